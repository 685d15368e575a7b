using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Scrm.Testing;

namespace Scrm.Web.Tests.Browser;

/// <summary>
/// One real host (Kestrel on loopback, SQLite in a temp folder) and one headless Debian chromium,
/// shared by the tests of a class. Two sales teams so that a lead of one team is another team's to
/// try to reach.
/// </summary>
public class WebHost : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Every wait in a browser test is bounded by this.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public ScrmApp App { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    /// <summary>Settings a class's host adds (channels, teams); started before the host.</summary>
    protected virtual ValueTask<IReadOnlyDictionary<string, string?>> MoreSettingsAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    public async ValueTask InitializeAsync()
    {
        var more = await MoreSettingsAsync();
        App = new ScrmApp(settings: new Dictionary<string, string?>(more)
        {
            ["Scrm:Access:SecureCookies"] = "false",
            ["Scrm:Leads:Teams:0:Name"] = "east",
            ["Scrm:Leads:Teams:0:Reps:0:Id"] = "rep.east",
            ["Scrm:Leads:Teams:1:Name"] = "west",
            ["Scrm:Leads:Teams:1:Reps:0:Id"] = "rep.west",
            ["Scrm:Leads:DefaultTeam"] = "east",
        });
        Address = App.BaseAddress;
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            Timeout = (float)Wait.TotalMilliseconds,
        });
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>A fresh browser context (its own cookies) in Chinese, on the host.</summary>
    public async Task<IPage> NewPageAsync(string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address.ToString(), Locale = locale, ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout((float)Wait.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)Wait.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    /// <summary>A person with these roles, made through the admin API; returns their one-time password.</summary>
    public async Task<string> PersonAsync(string id, params string[] roles)
    {
        using var admin = App.ClientFor("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/access/users", new { id, displayName = id, roles }, TestContext.Current.CancellationToken);
        if (created.StatusCode == HttpStatusCode.Created)
        {
            return (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("password").GetString()!;
        }

        // Seeded (a team's rep) or made by an earlier test of the class: a new one-time password.
        var reset = await admin.PostAsync($"/api/v1/access/users/{Uri.EscapeDataString(id)}/password-reset", null, TestContext.Current.CancellationToken);
        reset.StatusCode.ShouldBe(HttpStatusCode.OK, await reset.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await reset.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("password").GetString()!;
    }

    /// <summary>Signs in through the sign-in page, as a person would, and waits for the shell.</summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/sign-in**");
        await page.GetByLabel("用户名").FillAsync(user);
        await page.GetByLabel("密码", new PageGetByLabelOptions { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "登录" }).ClickAsync();
        await WaitInteractiveAsync(page);
    }

    /// <summary>Waits until the page's circuit is live (clicks before that reach no handler).</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=rail][data-interactive=true]").WaitForAsync();

    /// <summary>Repeats <paramref name="attempt"/> until it passes, for at most <see cref="Wait"/>; the last failure is thrown.</summary>
    public static async Task EventuallyAsync(Func<Task> attempt)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Runs a browser test's steps; on failure saves a full-page screenshot beside the test output and rethrows.</summary>
    public static async Task ScreenshotOnFailureAsync(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, $"{name}-{DateTime.UtcNow:HHmmss}.png");
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true, Timeout = 5_000 });
                TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {file}");
            }
            catch (PlaywrightException)
            {
                // The page is gone; the original failure is what matters.
            }

            throw;
        }
    }
}
