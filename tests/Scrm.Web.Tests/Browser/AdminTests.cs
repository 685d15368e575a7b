using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Scrm.Web.Tests.Browser;

/// <summary>The admin console in a real browser: people and keys made through the access services, and a revoked key refused at once.</summary>
public sealed class AdminTests(WebHost host) : IClassFixture<WebHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task An_admin_creates_a_user_and_a_key_the_key_works_against_the_api_and_once_revoked_is_refused_at_once()
    {
        var password = await host.PersonAsync("console.admin", "admin");
        var page = await host.NewPageAsync();
        string key = "";
        await WebHost.ScreenshotOnFailureAsync(page, nameof(An_admin_creates_a_user_and_a_key_the_key_works_against_the_api_and_once_revoked_is_refused_at_once), async () =>
        {
            await WebHost.SignInAsync(page, "console.admin", password);
            await page.GotoAsync("/admin");
            await WebHost.WaitInteractiveAsync(page);

            // A new person with the sales role: the one-time password is shown once.
            var form = page.GetByTestId("new-user");
            await form.GetByLabel("登录名（用户 ID）").FillAsync("chen.new");
            await form.GetByLabel("显示名称").FillAsync("陈新");
            await form.GetByRole(AriaRole.Checkbox, new() { Name = "销售" }).CheckAsync();
            await form.GetByRole(AriaRole.Button, new() { Name = "创建" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("one-time-password")).ToContainTextAsync("chen.new");
            var oneTime = await page.GetByTestId("password").InnerTextAsync();
            oneTime.Length.ShouldBeGreaterThanOrEqualTo(8);
            var row = page.GetByTestId("users").Locator("tr[data-user='chen.new']");
            await Assertions.Expect(row).ToContainTextAsync("陈新");
            await Assertions.Expect(row.GetByRole(AriaRole.Checkbox, new() { Name = "销售" })).ToBeCheckedAsync();

            // A key for them: shown once, then listed without the key.
            await page.GetByRole(AriaRole.Link, new() { Name = "API 密钥" }).ClickAsync();
            var keyForm = page.GetByTestId("new-key-form");
            await keyForm.GetByLabel("所属用户").SelectOptionAsync("chen.new");
            await keyForm.GetByLabel("密钥名称").FillAsync("chen-crm-sync");
            await keyForm.GetByRole(AriaRole.Checkbox, new() { Name = "销售" }).CheckAsync();
            await keyForm.GetByRole(AriaRole.Button, new() { Name = "创建" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("new-key")).ToContainTextAsync("scrm_");
            key = (await page.GetByTestId("new-key").InnerTextAsync()).Trim();
            var keyRow = page.GetByTestId("keys").Locator("tr[data-name='chen-crm-sync']");
            await Assertions.Expect(keyRow).ToContainTextAsync("chen.new");
            await Assertions.Expect(keyRow.GetByTestId("key-last-used")).ToHaveTextAsync("从未使用");
            (await page.GetByTestId("keys").InnerTextAsync()).ShouldNotContain(key);

            // The key works against the API as the new rep.
            using (var api = host.App.CreateClient())
            {
                api.DefaultRequestHeaders.Add("X-Api-Key", key);
                (await api.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
                (await api.GetAsync("/api/v1/access/users", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            }

            // Revoked in the console: the very next request is refused.
            await keyRow.GetByRole(AriaRole.Button, new() { Name = "吊销密钥 chen-crm-sync" }).ClickAsync();
            await Assertions.Expect(keyRow.GetByTestId("key-revoked")).ToContainTextAsync("已吊销");
            using (var api = host.App.CreateClient())
            {
                api.DefaultRequestHeaders.Add("X-Api-Key", key);
                (await api.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            }

            // The audit log holds both, and filters by action.
            await page.GetByRole(AriaRole.Link, new() { Name = "审计日志" }).ClickAsync();
            var filters = page.GetByTestId("audit-filters");
            await filters.GetByLabel("操作", new() { Exact = true }).FillAsync("key.revoke");
            await filters.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
            var audit = page.GetByTestId("audit");
            await Assertions.Expect(audit.Locator("tbody tr[data-action]")).ToHaveCountAsync(1);
            await Assertions.Expect(audit.Locator("tbody tr[data-action='key.revoke']")).ToContainTextAsync("console.admin");
        });
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_rep_who_opens_the_admin_console_gets_the_404_page()
    {
        var password = await host.PersonAsync("rep.curious", "sales");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_rep_who_opens_the_admin_console_gets_the_404_page), async () =>
        {
            await WebHost.SignInAsync(page, "rep.curious", password);
            await page.GotoAsync("/admin/keys");
            await Assertions.Expect(page.GetByTestId("not-found")).ToContainTextAsync("404");
            (await page.ContentAsync()).ShouldNotContain("scrm_");
        });
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_journal_view_shows_each_consumers_position_and_lag_as_the_journal_api_does()
    {
        var password = await host.PersonAsync("journal.admin", "admin");
        using var admin = host.App.ClientFor("admin");
        var stats = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/journal/stats", Ct);
        var consumer = stats.GetProperty("consumers").EnumerateArray().First().GetProperty("name").GetString()!;
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(The_journal_view_shows_each_consumers_position_and_lag_as_the_journal_api_does), async () =>
        {
            await WebHost.SignInAsync(page, "journal.admin", password);
            await page.GotoAsync("/admin/journal");
            await Assertions.Expect(page.GetByTestId("consumers").Locator($"tr[data-consumer='{consumer}']")).ToBeVisibleAsync();
            var last = long.Parse(await page.GetByTestId("journal-last").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
            last.ShouldBeGreaterThanOrEqualTo(stats.GetProperty("lastPosition").GetInt64());
        });
        await page.Context.CloseAsync();
    }
}
