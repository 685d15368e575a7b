using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Access.Tests;

/// <summary>Calls the admin API with the admin key, and signs people in through the form with a cookie jar of their own.</summary>
internal static class AccessClient
{
    public static async Task<string> CreatePersonAsync(ScrmApp app, string id, params string[] roles)
    {
        using var admin = app.ClientFor("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/access/users", new { id, displayName = id, roles }, TestContext.Current.CancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("password").GetString()!;
    }

    public static async Task<(string Id, string Key)> CreateKeyAsync(ScrmApp app, string owner, params string[] roles)
    {
        using var admin = app.ClientFor("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/access/keys", new { owner, roles }, TestContext.Current.CancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (body.GetProperty("info").GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    public static HttpClient WithKey(ScrmApp app, string key)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A browser-like client: its own cookie jar, no redirects followed.</summary>
    public static (HttpClient Client, CookieContainer Cookies) Browser(ScrmApp app)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        return (client, cookies);
    }

    public static async Task<(string FieldName, string Token, string HeaderName)> AntiforgeryAsync(HttpClient browser)
    {
        var body = await browser.GetFromJsonAsync<JsonElement>("/account/antiforgery", TestContext.Current.CancellationToken);
        return (body.GetProperty("formFieldName").GetString()!, body.GetProperty("token").GetString()!, body.GetProperty("headerName").GetString()!);
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string user, string password, string? code = null)
    {
        var (field, token, _) = await AntiforgeryAsync(browser);
        var form = new Dictionary<string, string> { ["userName"] = user, ["password"] = password, [field] = token };
        if (code is not null)
        {
            form["code"] = code;
        }

        return await browser.PostAsync("/account/sign-in", new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);
    }
}
