using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Scrm.Web.Tests.Browser;

/// <summary>The sales workspace in a real browser: a lead arrives live, is worked and moved by its guard; other teams' leads stay out of reach.</summary>
public sealed class SalesTests(WebHost host) : IClassFixture<WebHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> PostFormLeadAsync(string name, string phone, string company)
    {
        using var client = host.App.CreateClient();
        var posted = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name,
            ["phone"] = phone,
            ["company"] = company,
            ["message"] = "想了解企业版价格",
        }), Ct);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        using var admin = host.App.ClientFor("admin");
        var deadline = DateTime.UtcNow + WebHost.Wait;
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?size=200", Ct);
            foreach (var lead in page.GetProperty("items").EnumerateArray())
            {
                if (lead.GetProperty("company").GetString() == company && lead.GetProperty("owner").ValueKind == JsonValueKind.String)
                {
                    return lead.GetProperty("id").GetInt64();
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the lead of {company} was not routed in time");
            await Task.Delay(200, Ct);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task A_rep_sees_a_web_form_lead_arrive_live_logs_a_call_moves_it_to_prospect_and_is_told_what_opportunity_needs()
    {
        var password = await host.PersonAsync("rep.east", "sales");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_rep_sees_a_web_form_lead_arrive_live_logs_a_call_moves_it_to_prospect_and_is_told_what_opportunity_needs), async () =>
        {
            await WebHost.SignInAsync(page, "rep.east", password);
            await page.WaitForURLAsync("**/sales");
            var queue = page.GetByTestId("my-leads");
            await Assertions.Expect(queue).Not.ToContainTextAsync("东方贸易");

            // Routed to the east team's only rep while the page is open: it appears without a reload.
            var navigations = 0;
            page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
            var id = await PostFormLeadAsync("黄药师", "+86 139 0000 3333", "东方贸易");
            await Assertions.Expect(queue.GetByRole(AriaRole.Link, new() { Name = "黄药师" })).ToBeVisibleAsync();
            navigations.ShouldBe(0);

            await queue.GetByRole(AriaRole.Link, new() { Name = "黄药师" }).ClickAsync();
            var detail = page.GetByTestId("lead-detail");
            await Assertions.Expect(detail).ToHaveAttributeAsync("data-lead", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(detail.GetByTestId("lead-phone")).ToHaveTextAsync("+8613900003333");

            // Before any work the move to prospect is closed and says why.
            var prospect = detail.GetByRole(AriaRole.Button, new() { Name = "转为意向" });
            await Assertions.Expect(prospect).ToBeDisabledAsync();
            await Assertions.Expect(detail.Locator("#unmet-prospect")).ToContainTextAsync("至少记录一次联系");
            await Assertions.Expect(detail.Locator("#unmet-prospect")).ToContainTextAsync("记录客户需求");

            // Log a call (phone is the first contact kind) and the need.
            await detail.GetByLabel("跟进结果").FillAsync("电话沟通，客户想要 20 个席位");
            await detail.GetByRole(AriaRole.Button, new() { Name = "记录跟进" }).ClickAsync();
            await Assertions.Expect(detail.Locator("#unmet-prospect")).Not.ToContainTextAsync("至少记录一次联系");
            await detail.GetByLabel("客户需求").FillAsync("20 个席位的企业版");
            await detail.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

            await Assertions.Expect(prospect).ToBeEnabledAsync();
            await prospect.ClickAsync();
            await Assertions.Expect(detail.GetByTestId("lead-stage")).ToHaveTextAsync("意向");
            await Assertions.Expect(detail.GetByRole(AriaRole.Button, new() { Name = "转为商机" })).ToBeDisabledAsync();
            await Assertions.Expect(detail.Locator("#unmet-opportunity li")).ToHaveTextAsync(["记录预计金额", "记录预计成交日期"]);
        });

        // The API agrees: one contact recorded, the lead at prospect.
        using var admin = host.App.ClientFor("admin");
        var leads = await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?size=200", Ct);
        var lead = leads.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("company").GetString() == "东方贸易");
        lead.GetProperty("stage").GetString().ShouldBe("prospect");
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 180_000)]
    public async Task A_rep_who_changes_the_url_to_another_teams_lead_gets_the_404_page_and_none_of_its_data()
    {
        var id = await PostFormLeadAsync("洪七公", "+86 139 0000 4444", "丐帮物流");
        var password = await host.PersonAsync("rep.west", "sales");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_rep_who_changes_the_url_to_another_teams_lead_gets_the_404_page_and_none_of_its_data), async () =>
        {
            await WebHost.SignInAsync(page, "rep.west", password);
            await page.GotoAsync($"/sales/leads/{id}");
            await Assertions.Expect(page.GetByTestId("not-found")).ToContainTextAsync("404");
            var source = await page.ContentAsync();
            source.ShouldNotContain("丐帮物流");
            source.ShouldNotContain("洪七公");
            source.ShouldNotContain("13900004444");
        });
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 180_000)]
    public async Task A_community_manager_sees_the_customer_and_search_hits_masked_in_the_page_source()
    {
        await PostFormLeadAsync("周伯通", "+86 139 0000 5555", "全真教育");
        using var admin = host.App.ClientFor("admin");
        Guid customer = default;
        var deadline = DateTime.UtcNow + WebHost.Wait;
        while (customer == default)
        {
            var found = await admin.GetFromJsonAsync<JsonElement>("/api/v1/customers?q=全真教育", Ct);
            if (found.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first)
            {
                customer = first.GetProperty("id").GetGuid();
            }
            else
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the customer was not resolved in time");
                await Task.Delay(200, Ct);
            }
        }

        var password = await host.PersonAsync("community.zhao", "community");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_community_manager_sees_the_customer_and_search_hits_masked_in_the_page_source), async () =>
        {
            await WebHost.SignInAsync(page, "community.zhao", password);
            var response = await page.GotoAsync($"/customers/{customer}");
            var served = await response!.TextAsync();
            served.ShouldContain("139****5555");
            served.ShouldNotContain("13900005555");
            await Assertions.Expect(page.GetByTestId("customer-phone")).ToHaveTextAsync("139****5555");
            (await page.ContentAsync()).ShouldNotContain("13900005555");

            var searched = await page.GotoAsync("/search?q=" + Uri.EscapeDataString("全真教育"));
            await WebHost.EventuallyAsync(async () =>
            {
                await page.ReloadAsync();
                await Assertions.Expect(page.GetByTestId("search-results")).ToContainTextAsync("全真教育", new() { Timeout = 1_000 });
            });
            (await page.ContentAsync()).ShouldNotContain("13900005555");
        });
        await page.Context.CloseAsync();
    }
}
