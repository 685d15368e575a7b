using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Scrm.Web.Tests.Browser;
using Scrm.Web.Tests.Marketing;

namespace Scrm.Web.Tests.Studio;

/// <summary>The workflow designer in a real browser, on the shipped lead-conversion workflow.</summary>
public sealed class WorkflowDesignerTests(MarketingHost host) : IClassFixture<MarketingHost>
{
    private const string Workflow = "lead-conversion";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task A_marketer_moves_a_node_and_changes_an_input_saves_a_new_version_sees_it_after_reload_compares_dry_runs_and_publishes_it()
    {
        using var marketer = host.App.ClientFor("marketer");
        var shipped = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/definitions/{Workflow}", Ct);
        shipped.GetProperty("state").GetString().ShouldBe("published");
        var shippedVersion = shipped.GetProperty("definition").GetProperty("version").GetInt32();

        var password = await host.PersonAsync("mk.designer", "marketer");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_marketer_moves_a_node_and_changes_an_input_saves_a_new_version_sees_it_after_reload_compares_dry_runs_and_publishes_it), async () =>
        {
            await WebHost.SignInAsync(page, "mk.designer", password);
            await page.GotoAsync("/marketing/workflows");
            await WebHost.WaitInteractiveAsync(page);
            await page.GetByTestId("workflow-list").Locator($"li[data-workflow='{Workflow}'] a").ClickAsync();
            var opened = Stopwatch.StartNew();
            var route = Node(page, "route");
            await Assertions.Expect(route).ToBeVisibleAsync();
            TestContext.Current.SendDiagnosticMessage($"designer open: {opened.ElapsedMilliseconds} ms");
            await Assertions.Expect(Node(page, "escalate").GetByTestId("node-title")).ToHaveTextAsync("升级给主管");
            await Assertions.Expect(Node(page, "intent").GetByTestId("node-title")).ToHaveTextAsync("条件判断");
            await Assertions.Expect(page.GetByTestId("designer-canvas").Locator("[data-testid=designer-node]")).ToHaveCountAsync(shipped.GetProperty("definition").GetProperty("triggers").GetArrayLength()
                + shipped.GetProperty("definition").GetProperty("activities").GetArrayLength());

            // An invalid script: the engine's error, in Chinese, on its node and in the panel; nothing is saved.
            await Node(page, "intent").GetByTestId("node-title").ClickAsync();
            await Assertions.Expect(page.GetByTestId("properties")).ToHaveAttributeAsync("data-node", "intent");
            var condition = Input(page, "condition");
            var original = await condition.InputValueAsync();
            await condition.FillAsync("input.kind ===");
            await page.GetByTestId("save-workflow").ClickAsync();
            await Assertions.Expect(Node(page, "intent")).ToHaveAttributeAsync("data-errors", "1");
            await Assertions.Expect(page.GetByTestId("property-error")).ToContainTextAsync("活动 'intent' 的输入 'condition' 表达式有误");
            await Assertions.Expect(page.GetByTestId("designer-status")).ToContainTextAsync("未保存");
            var unchanged = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/definitions/{Workflow}", Ct);
            unchanged.GetProperty("definition").GetProperty("version").GetInt32().ShouldBe(shippedVersion);
            unchanged.GetProperty("state").GetString().ShouldBe("published");
            await condition.FillAsync(original);

            // Move a node on the canvas by dragging it.
            var box = (await route.GetByTestId("node-title").BoundingBoxAsync())!;
            var y0 = double.Parse((await route.GetAttributeAsync("data-y"))!, CultureInfo.InvariantCulture);
            await page.Mouse.MoveAsync(box.X + 10, box.Y + (box.Height / 2));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + 70, box.Y + (box.Height / 2) + 80, new MouseMoveOptions { Steps = 8 });
            await page.Mouse.UpAsync();
            await Assertions.Expect(route).Not.ToHaveAttributeAsync("data-y", y0.ToString(CultureInfo.InvariantCulture));

            // Change an input in the side panel and save: a new draft version.
            await Node(page, "waitContact").GetByTestId("node-title").ClickAsync();
            await Assertions.Expect(page.GetByTestId("properties")).ToHaveAttributeAsync("data-node", "waitContact");
            await Input(page, "event").FillAsync("lead.first-contact");
            await page.GetByTestId("save-workflow").ClickAsync();
            await Assertions.Expect(page.GetByTestId("workflow-state")).ToHaveAttributeAsync("data-version", (shippedVersion + 1).ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.GetByTestId("workflow-state")).ToHaveAttributeAsync("data-state", "draft");
            var x1 = Math.Round(double.Parse((await route.GetAttributeAsync("data-x"))!, CultureInfo.InvariantCulture));
            var y1 = Math.Round(double.Parse((await route.GetAttributeAsync("data-y"))!, CultureInfo.InvariantCulture));
            (y1 - y0).ShouldBeGreaterThan(40);
            var saved = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/definitions/{Workflow}", Ct);
            var definition = saved.GetProperty("definition");
            definition.GetProperty("version").GetInt32().ShouldBe(shippedVersion + 1);
            var waitContact = definition.GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "waitContact");
            waitContact.GetProperty("inputs").GetProperty("event").GetString().ShouldBe("lead.first-contact");
            var moved = definition.GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "route").GetProperty("display");
            moved.GetProperty("x").GetDouble().ShouldBe(x1);
            moved.GetProperty("y").GetDouble().ShouldBe(y1);
            moved.GetProperty("label").GetString().ShouldBe("Route to one owner");
            var intent = definition.GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "intent");
            intent.GetProperty("inputs").GetProperty("condition").GetProperty("js").GetString().ShouldBe(original);

            // Reloaded, the canvas shows the saved place and the panel the saved input.
            await page.ReloadAsync();
            await WebHost.WaitInteractiveAsync(page);
            await Assertions.Expect(Node(page, "route")).ToHaveAttributeAsync("data-y", y1.ToString(CultureInfo.InvariantCulture));
            await Node(page, "waitContact").GetByTestId("node-title").ClickAsync();
            await Assertions.Expect(Input(page, "event")).ToHaveValueAsync("lead.first-contact");

            // The two versions compared: the move and the input change, nothing else.
            await page.GetByTestId("diff-show").ClickAsync();
            var diff = page.GetByTestId("diff");
            await Assertions.Expect(diff.Locator("tr[data-kind]")).ToHaveCountAsync(2);
            await Assertions.Expect(diff.Locator("tr[data-path='nodes.route']")).ToHaveAttributeAsync("data-kind", "moved");
            await Assertions.Expect(diff.Locator("tr[data-path='nodes.waitContact.inputs.event']")).ToContainTextAsync("lead.first-contact");

            // A dry run of the draft on one lead record: its path is marked on the canvas, nothing is stored.
            await page.GetByTestId("dry-run-workflow").ClickAsync();
            var steps = page.GetByTestId("dry-run-steps");
            await Assertions.Expect(steps).ToBeVisibleAsync();
            var path = (await steps.GetAttributeAsync("data-path"))!.Split(',');
            path.ShouldContain("onLead");
            path.ShouldContain("intent");
            await Assertions.Expect(Node(page, "onLead")).ToHaveAttributeAsync("data-ran", "true");
            await Assertions.Expect(Node(page, "onMention")).Not.ToHaveAttributeAsync("data-ran", "true");

            // Someone else saves the draft meanwhile: this page's next save is a conflict and overwrites nothing.
            var theirs = System.Text.Json.Nodes.JsonNode.Parse(definition.GetRawText())!;
            theirs["activities"]!.AsArray().Single(a => (string?)a!["id"] == "end")!["display"]!["label"] = "流程结束";
            (await marketer.PutAsync($"/api/v1/workflows/definitions/{Workflow}", new StringContent(theirs.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct)).EnsureSuccessStatusCode();
            await Node(page, "waitContact").GetByTestId("node-title").ClickAsync();
            await Input(page, "event").FillAsync("lead.other");
            await page.GetByTestId("save-workflow").ClickAsync();
            await Assertions.Expect(page.GetByTestId("designer-status")).ToContainTextAsync("已被他人保存或发布");
            var after = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/definitions/{Workflow}", Ct)).GetProperty("definition");
            after.GetProperty("version").GetInt32().ShouldBe(shippedVersion + 1);
            after.GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "waitContact").GetProperty("inputs").GetProperty("event").GetString().ShouldBe("lead.first-contact");

            // Opened again, the other person's change is there; a change published from the page goes live as that version.
            await page.ReloadAsync();
            await WebHost.WaitInteractiveAsync(page);
            await Assertions.Expect(Node(page, "end")).ToContainTextAsync("流程结束");
            await Node(page, "waitContact").GetByTestId("node-title").ClickAsync();
            await Input(page, "event").FillAsync("lead.contacted");
            await page.GetByTestId("publish-workflow").ClickAsync();
            await Assertions.Expect(page.GetByTestId("workflow-state")).ToHaveAttributeAsync("data-state", "published");
            await Assertions.Expect(page.GetByTestId("workflow-state")).ToHaveAttributeAsync("data-version", (shippedVersion + 1).ToString(CultureInfo.InvariantCulture));
            var published = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/definitions/{Workflow}", Ct);
            published.GetProperty("state").GetString().ShouldBe("published");
            published.GetProperty("definition").GetProperty("version").GetInt32().ShouldBe(shippedVersion + 1);
            published.GetProperty("definition").GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "waitContact").GetProperty("inputs").GetProperty("event").GetString().ShouldBe("lead.contacted");

            await page.GetByTestId("dry-run-workflow").ClickAsync();
            await Assertions.Expect(page.GetByTestId("dry-run-steps")).ToBeVisibleAsync();
            await page.GetByTestId("diff-show").ClickAsync();
            await Assertions.Expect(page.GetByTestId("diff").Locator("tr[data-path='nodes.end.label']")).ToHaveAttributeAsync("data-kind", "changed");
            (await page.EvaluateAsync<string[]>(MarketingHost.Unlabelled)).ShouldBeEmpty();
            await MarketingHost.DocumentAsync(page, "workflow-designer");

            // In English the same canvas names its activities in English.
            await page.GetByTestId("switch-language").ClickAsync();
            await WebHost.WaitInteractiveAsync(page);
            await Assertions.Expect(Node(page, "escalate").GetByTestId("node-title")).ToHaveTextAsync("Escalate lead");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Versions" })).ToBeVisibleAsync();
        });
        await page.Context.CloseAsync();
    }

    private static ILocator Node(IPage page, string id) => page.Locator($"[data-testid=designer-node][data-node='{id}']");

    private static ILocator Input(IPage page, string name) => page.GetByTestId("properties").Locator($"fieldset[data-input='{name}'] textarea");
}
