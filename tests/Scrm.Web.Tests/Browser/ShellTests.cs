using Microsoft.Playwright;

namespace Scrm.Web.Tests.Browser;

/// <summary>The shell in a real browser: sign-in, the rail per role, the language switch, global search.</summary>
public sealed class ShellTests(WebHost host) : IClassFixture<WebHost>
{
    [Fact(Timeout = 120_000)]
    public async Task A_rep_signs_in_and_the_rail_offers_only_the_sales_workspace()
    {
        var password = await host.PersonAsync("zhang.san", "sales");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_rep_signs_in_and_the_rail_offers_only_the_sales_workspace), async () =>
        {
            await WebHost.SignInAsync(page, "zhang.san", password);

            var rail = page.GetByTestId("rail");
            await Assertions.Expect(rail.GetByRole(AriaRole.Link, new() { Name = "销售" })).ToBeVisibleAsync();
            (await rail.GetByRole(AriaRole.Link).AllInnerTextsAsync()).Select(t => t.Trim()).ShouldBe(["销售"]);
            await page.WaitForURLAsync("**/sales");
            (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("zh-CN");
        });
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task An_admin_sees_every_workspace_and_can_switch_to_english()
    {
        var password = await host.PersonAsync("li.admin", "admin");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(An_admin_sees_every_workspace_and_can_switch_to_english), async () =>
        {
            await WebHost.SignInAsync(page, "li.admin", password);

            var rail = page.GetByTestId("rail");
            await Assertions.Expect(rail.GetByRole(AriaRole.Link, new() { Name = "管理" })).ToBeVisibleAsync();
            (await rail.GetByRole(AriaRole.Link).AllInnerTextsAsync()).Select(t => t.Trim()).ShouldBe(["销售", "社群", "营销", "管理"]);

            await page.GetByRole(AriaRole.Link, new() { Name = "切换到英文" }).ClickAsync();
            await Assertions.Expect(rail.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToBeVisibleAsync();
            (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        });
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_wrong_password_is_refused_on_the_page_in_chinese()
    {
        await host.PersonAsync("wang.wu", "marketer");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_wrong_password_is_refused_on_the_page_in_chinese), async () =>
        {
            await page.GotoAsync("/sign-in");
            await page.GetByLabel("用户名").FillAsync("wang.wu");
            await page.GetByLabel("密码", new() { Exact = true }).FillAsync("not-the-password");
            await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("用户名或密码错误");
            page.Url.ShouldContain("/sign-in");
        });
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_search_box_finds_a_lead_through_the_search_service()
    {
        var password = await host.PersonAsync("li.search", "admin");
        using (var client = host.App.CreateClient())
        {
            var posted = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = "欧阳锋",
                ["phone"] = "+86 139 0000 2222",
                ["company"] = "白驼山庄贸易",
                // The snippet highlights matches in the text (a lead's message); the title is shown as it is.
                ["message"] = "白驼山庄要批发价",
            }), TestContext.Current.CancellationToken);
            posted.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        }

        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(The_search_box_finds_a_lead_through_the_search_service), async () =>
        {
            await WebHost.SignInAsync(page, "li.search", password);
            var box = page.GetByRole(AriaRole.Searchbox, new() { Name = "全局搜索（客户、会话、线索、提及）" });
            // The index catches up with the journal in the background: search again until the lead is in.
            await WebHost.EventuallyAsync(async () =>
            {
                await box.FillAsync("白驼山庄");
                await box.PressAsync("Enter");
                await Assertions.Expect(page.GetByTestId("search-results")).ToContainTextAsync("白驼山庄", new() { Timeout = 1_000 });
            });
            await Assertions.Expect(page.Locator(".scrm-search-hit em").First).ToBeVisibleAsync();
        });
        await page.Context.CloseAsync();
    }
}
