using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scrm.Testing;

namespace Scrm.Access.Tests;

/// <summary>Sign-in through the real form on a real socket: lockout, sessions ended by sign-out and by time, anti-forgery, TOTP, revoked keys.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _sessionClock = new(DateTimeOffset.UtcNow);
    private ScrmApp _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new ScrmApp(
            settings: new Dictionary<string, string?> { ["Scrm:Access:SecureCookies"] = "false", ["Scrm:Access:MaxFailedSignIns"] = "3" },
            services: s => s.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => o.TimeProvider = _sessionClock));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> AuditAsync(string action, string resourceId)
    {
        using var admin = _app.ClientFor("admin");
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/access/audit?action={action}&resourceId={resourceId}", Ct);
        return page.GetProperty("entries");
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused()
    {
        var password = await AccessClient.CreatePersonAsync(_app, "li.na", "sales");
        var (browser, _) = AccessClient.Browser(_app);
        using (browser)
        {
            for (var i = 0; i < 3; i++)
            {
                // Chinese unless English is asked for (the second attempt asks); the third locks the account.
                browser.DefaultRequestHeaders.AcceptLanguage.Clear();
                if (i == 1)
                {
                    browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
                }

                var wrong = await AccessClient.SignInAsync(browser, "li.na", "not-the-password");
                wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
                wrong.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
                (await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()
                    .ShouldBe(i switch { 0 => "用户名或密码错误。", 1 => "The user name or password is wrong.", _ => "失败次数过多：账号已暂时锁定，管理员可以解锁。" });
            }

            browser.DefaultRequestHeaders.AcceptLanguage.Clear();
            var right = await AccessClient.SignInAsync(browser, "li.na", password);
            right.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            var locked = await right.Content.ReadFromJsonAsync<JsonElement>(Ct);
            locked.GetProperty("lockedOut").GetBoolean().ShouldBeTrue();
            locked.GetProperty("detail").GetString().ShouldBe("失败次数过多：账号已暂时锁定，管理员可以解锁。");
            (await browser.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await AuditAsync("sign-in.failed", "li.na")).GetArrayLength().ShouldBeGreaterThanOrEqualTo(2);
        (await AuditAsync("sign-in.locked", "li.na")).GetArrayLength().ShouldBeGreaterThanOrEqualTo(1);

        // An admin's reset lifts the lockout with a new one-time password.
        using var admin = _app.ClientFor("admin");
        var reset = await admin.PostAsync("/api/v1/access/users/li.na/password-reset", null, Ct);
        var fresh = (await reset.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("password").GetString()!;
        var (again, _) = AccessClient.Browser(_app);
        using (again)
        {
            (await AccessClient.SignInAsync(again, "li.na", fresh)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task A_session_cookie_is_refused_after_sign_out_even_when_replayed()
    {
        var password = await AccessClient.CreatePersonAsync(_app, "wang.wei", "marketer");
        var (browser, cookies) = AccessClient.Browser(_app);
        using (browser)
        {
            (await AccessClient.SignInAsync(browser, "wang.wei", password)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var me = await browser.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
            me.GetProperty("id").GetString().ShouldBe("wang.wei");
            var session = cookies.GetCookies(_app.BaseAddress)["scrm.session"]!.Value;

            var (field, token, _) = await AccessClient.AntiforgeryAsync(browser);
            var signedOut = await browser.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { [field] = token }), Ct);
            signedOut.StatusCode.ShouldBe(HttpStatusCode.NoContent);

            using var replay = _app.CreateClient();
            replay.DefaultRequestHeaders.Add("Cookie", $"scrm.session={session}");
            (await replay.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await AuditAsync("sign-out", "wang.wei")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_session_cookie_is_refused_once_it_has_expired()
    {
        var password = await AccessClient.CreatePersonAsync(_app, "zhao.lei", "community");
        var (browser, _) = AccessClient.Browser(_app);
        using (browser)
        {
            (await AccessClient.SignInAsync(browser, "zhao.lei", password)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await browser.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

            _sessionClock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
            (await browser.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Form_posts_and_cookie_changes_need_the_antiforgery_token()
    {
        var password = await AccessClient.CreatePersonAsync(_app, "chen.jing", "sales");
        var (browser, _) = AccessClient.Browser(_app);
        using (browser)
        {
            var forged = await browser.PostAsync("/account/sign-in",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "chen.jing", ["password"] = password }), Ct);
            forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await browser.GetAsync("/api/v1/me", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

            (await AccessClient.SignInAsync(browser, "chen.jing", password)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var change = new { current = password, @new = "Another-passw0rd-long" };
            var withoutToken = await browser.PostAsJsonAsync("/api/v1/me/password", change, Ct);
            withoutToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            withoutToken.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

            var (_, token, header) = await AccessClient.AntiforgeryAsync(browser);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/password") { Content = JsonContent.Create(change) };
            request.Headers.Add(header, token);
            (await browser.SendAsync(request, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task A_refused_password_change_says_why_in_the_readers_language_and_keeps_the_old_password()
    {
        var password = await AccessClient.CreatePersonAsync(_app, "qian.yu", "sales");
        var (browser, _) = AccessClient.Browser(_app);
        using (browser)
        {
            (await AccessClient.SignInAsync(browser, "qian.yu", password)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var (_, token, header) = await AccessClient.AntiforgeryAsync(browser);
            async Task<JsonElement> ChangeAsync(object change, string language)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/password") { Content = JsonContent.Create(change) };
                request.Headers.Add(header, token);
                request.Headers.AcceptLanguage.ParseAdd(language);
                var response = await browser.SendAsync(request, Ct);
                response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
                return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
            }

            var shortOne = new { current = password, @new = "短a1" };
            (await ChangeAsync(shortOne, "zh-CN")).GetProperty("new").EnumerateArray().Select(e => e.GetString()).ShouldContain(m => m!.StartsWith("密码至少需要 ") && m.EndsWith(" 个字符"));
            (await ChangeAsync(shortOne, "en")).GetProperty("new").EnumerateArray().Select(e => e.GetString()).ShouldContain(m => m!.StartsWith("at least ") && m.EndsWith(" characters"));
            var wrongCurrent = new { current = password + "x", @new = "Another-passw0rd-long" };
            (await ChangeAsync(wrongCurrent, "zh-CN")).GetProperty("current")[0].GetString().ShouldBe("当前密码不正确");
        }

        var (again, _) = AccessClient.Browser(_app);
        using (again)
        {
            (await AccessClient.SignInAsync(again, "qian.yu", password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task A_second_factor_once_enabled_is_asked_for_and_checked()
    {
        var password = await AccessClient.CreatePersonAsync(_app, "sun.li", "admin");
        var (browser, _) = AccessClient.Browser(_app);
        using (browser)
        {
            (await AccessClient.SignInAsync(browser, "sun.li", password)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var (_, token, header) = await AccessClient.AntiforgeryAsync(browser);
            using var setup = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/two-factor/setup");
            setup.Headers.Add(header, token);
            var key = (await (await browser.SendAsync(setup, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("sharedKey").GetString()!;
            using var enable = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/two-factor/enable") { Content = JsonContent.Create(new { code = Totp(key, DateTimeOffset.UtcNow) }) };
            enable.Headers.Add(header, token);
            (await browser.SendAsync(enable, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

            var (other, _) = AccessClient.Browser(_app);
            using (other)
            {
                var asked = await AccessClient.SignInAsync(other, "sun.li", password);
                asked.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
                (await asked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("twoFactorRequired").GetBoolean().ShouldBeTrue();
                (await AccessClient.SignInAsync(other, "sun.li", password, "000000" == Totp(key, DateTimeOffset.UtcNow) ? "111111" : "000000")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
                (await AccessClient.SignInAsync(other, "sun.li", password, Totp(key, DateTimeOffset.UtcNow))).StatusCode.ShouldBe(HttpStatusCode.OK);
                (await other.GetAsync("/api/v1/access/users", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            }
        }
    }

    [Fact]
    public async Task A_revoked_key_is_refused_from_the_next_request_and_its_last_use_is_listed()
    {
        using var admin = _app.ClientFor("admin");
        (await admin.PostAsJsonAsync("/api/v1/access/users", new { id = "erp-sync", kind = "service", roles = new[] { "ingest" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var (id, key) = await AccessClient.CreateKeyAsync(_app, "erp-sync", "sales");
        using var client = AccessClient.WithKey(_app, key);
        (await client.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/access/keys?owner=erp-sync", Ct);
        var row = listed.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        row.GetProperty("lastUsedAt").ValueKind.ShouldBe(JsonValueKind.String);
        row.ToString().ShouldNotContain(key);

        (await admin.DeleteAsync($"/api/v1/access/keys/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var refused = await client.GetAsync("/api/v1/leads", Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await AuditAsync("key.revoke", id)).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var anonymous = _app.CreateClient();
        foreach (var path in new[] { "/health/live", "/api/v1/leads", "/account/antiforgery" })
        {
            var response = await anonymous.GetAsync(path, Ct);
            response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
            response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
        }
    }

    /// <summary>RFC 6238 with SHA-1, 30-second steps and six digits, as authenticator apps compute it.</summary>
    private static string Totp(string base32Key, DateTimeOffset at)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(base32Key.ToUpperInvariant().TrimEnd('=').Select(c => Convert.ToString(alphabet.IndexOf(c), 2).PadLeft(5, '0')));
        var key = Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
        var step = BitConverter.GetBytes(at.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(step);
        }

#pragma warning disable CA5350 // RFC 6238 authenticators use SHA-1.
        var hash = HMACSHA1.HashData(key, step);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var code = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (code % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
