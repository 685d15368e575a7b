using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Scrm.Web.Tests.Browser;

namespace Scrm.Web.Tests.Marketing;

/// <summary>The segment builder in a real browser: nested groups, the live count the API would give, a masked sample, save.</summary>
public sealed class SegmentBuilderTests(MarketingHost host) : IClassFixture<MarketingHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task A_marketer_builds_a_nested_segment_whose_live_count_equals_the_api_count_and_saves_it()
    {
        // Six visitors leave their phone; three of them an e-mail too.
        for (var i = 0; i < 6; i++)
        {
            await host.PostFormLeadAsync($"分群访客{i}", $"+86 139 1000 {i:D4}", i % 2 == 0 ? $"visitor{i}@example.com" : null);
        }

        await host.WaitForCustomersAsync(6);
        var password = await host.PersonAsync("mk.segments", "marketer");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_marketer_builds_a_nested_segment_whose_live_count_equals_the_api_count_and_saves_it), async () =>
        {
            await WebHost.SignInAsync(page, "mk.segments", password);
            await page.GotoAsync("/marketing/segments");
            await WebHost.WaitInteractiveAsync(page);

            // identities has any phone AND (identities has any email OR order count ≥ 1)
            var root = page.GetByTestId("rule-group").First;
            var first = root.GetByTestId("condition").First;
            await first.GetByTestId("condition-fact").SelectOptionAsync("identities");
            await first.GetByTestId("condition-op").SelectOptionAsync("hasAny");
            await first.GetByTestId("condition-values").FillAsync("phone");
            await root.GetByTestId("add-group").Last.ClickAsync();
            var nested = root.GetByTestId("rule-group").First;
            await Assertions.Expect(nested.GetByTestId("group-combinator")).ToHaveValueAsync("or");
            await nested.GetByTestId("add-condition").ClickAsync();
            var email = nested.GetByTestId("condition").Nth(0);
            await email.GetByTestId("condition-fact").SelectOptionAsync("identities");
            await email.GetByTestId("condition-values").FillAsync("email");
            await nested.GetByTestId("add-condition").ClickAsync();
            var orders = nested.GetByTestId("condition").Nth(1);
            await orders.GetByTestId("condition-fact").SelectOptionAsync("orderCount");
            await orders.GetByTestId("condition-op").SelectOptionAsync("gte");
            await orders.GetByTestId("condition-value").FillAsync("1");

            var count = page.GetByTestId("segment-count");
            await Assertions.Expect(count).ToHaveAttributeAsync("data-state", "ready");
            var rule = await count.GetAttributeAsync("data-rule");
            JsonNode.DeepEquals(JsonNode.Parse(rule!), JsonNode.Parse("""
                {"and":[{"fact":"identities","op":"hasAny","values":["phone"]},
                        {"or":[{"fact":"identities","op":"hasAny","values":["email"]},{"fact":"orderCount","op":"gte","value":1}]}]}
                """)).ShouldBeTrue(rule);

            var api = await host.PreviewAsync("marketer", rule!);
            var shown = int.Parse((await count.GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);
            shown.ShouldBe(api.GetProperty("count").GetInt32());
            shown.ShouldBeGreaterThan(0);
            shown.ShouldBeLessThan(api.GetProperty("customers").GetInt32(), "the e-mail condition leaves some customers out");
            await Assertions.Expect(count).ToContainTextAsync($"{shown} / {api.GetProperty("customers").GetInt32()} 位客户");

            // The sample is the API's, masked for a marketer.
            var rows = page.GetByTestId("segment-sample").Locator("tbody tr[data-member]");
            await Assertions.Expect(rows).ToHaveCountAsync(Math.Min(10, shown));
            await Assertions.Expect(page.GetByTestId("sample-masked")).ToBeVisibleAsync();
            (await rows.Locator("td:nth-child(2)").AllInnerTextsAsync()).ShouldAllBe(p => p.Contains('*'));

            // A change re-counts: without the order-count alternative the group is e-mail only, the same count.
            await orders.GetByTestId("remove-condition").ClickAsync();
            await Assertions.Expect(count).ToHaveAttributeAsync("data-rule", new System.Text.RegularExpressions.Regex("^(?!.*orderCount)"));
            await Assertions.Expect(count).ToHaveAttributeAsync("data-state", "ready");
            (await count.GetAttributeAsync("data-count")).ShouldBe(shown.ToString(System.Globalization.CultureInfo.InvariantCulture));

            // A bad value is named on its condition, not counted.
            await first.GetByTestId("condition-values").FillAsync("fax");
            await Assertions.Expect(count).ToHaveAttributeAsync("data-state", "invalid");
            await Assertions.Expect(first.GetByRole(AriaRole.Alert)).ToContainTextAsync("身份");
            await first.GetByTestId("condition-values").FillAsync("phone");
            await Assertions.Expect(count).ToHaveAttributeAsync("data-state", "ready");

            await page.GetByTestId("segment-name").FillAsync("留了邮箱的访客");
            await page.GetByTestId("save-segment").ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/marketing/segments/[0-9a-f-]{36}$"));
            var id = page.Url.Split('/')[^1];
            using var marketer = host.App.ClientFor("marketer");
            var saved = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}", Ct);
            saved.GetProperty("name").GetString().ShouldBe("留了邮箱的访客");
            JsonNode.DeepEquals(JsonNode.Parse(saved.GetProperty("rule").GetRawText()), JsonNode.Parse((await count.GetAttributeAsync("data-rule"))!)).ShouldBeTrue();
            await Assertions.Expect(page.GetByTestId("saved-segments")).ToContainTextAsync("留了邮箱的访客");

            // Reopened, the builder shows the saved tree and the same count.
            await page.ReloadAsync();
            await WebHost.WaitInteractiveAsync(page);
            await Assertions.Expect(count).ToHaveAttributeAsync("data-state", "ready");
            (await count.GetAttributeAsync("data-count")).ShouldBe(shown.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(page.GetByTestId("condition")).ToHaveCountAsync(2);

            (await page.EvaluateAsync<string[]>(MarketingHost.Unlabelled)).ShouldBeEmpty();
            await MarketingHost.DocumentAsync(page, "segment-builder");
        });
        await page.Context.CloseAsync();
    }
}
