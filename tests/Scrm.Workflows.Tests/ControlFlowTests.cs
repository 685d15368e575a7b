using Scrm.Testing;

namespace Scrm.Workflows.Tests;

public sealed class SqliteControlFlowTests(PostgresServer postgres) : ControlFlowTests(postgres, usePostgres: false);

public sealed class PostgresControlFlowTests(PostgresServer postgres) : ControlFlowTests(postgres, usePostgres: true);

public abstract class ControlFlowTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private static string Def(string id, string activities, string connections, string options = "{}") =>
        $$"""{ "id": "{{id}}", "name": "{{id}}", "triggers": [{ "id": "start", "type": "start" }], "variables": [{ "name": "trail", "value": "" }], "activities": {{activities}}, "connections": {{connections}}, "options": {{options}} }""";

    private static string Mark(string id, string text) =>
        $$"""{ "id": "{{id}}", "type": "setVariable", "inputs": { "name": "trail", "value": { "js": "vars.trail + '{{text}}'" } } }""";

    [Fact]
    public async Task Switch_without_a_matching_case_follows_default()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("sw",
            $$"""[{ "id": "s", "type": "switch", "inputs": { "value": { "js": "input.tier" }, "cases": { "literal": ["gold"] } } }, {{Mark("g", "gold")}}, {{Mark("d", "default")}}]""",
            """[{ "source": "start", "target": "s" }, { "source": "s", "outcome": "gold", "target": "g" }, { "source": "s", "outcome": "default", "target": "d" }]"""));

        var gold = await engine.WaitForAsync((await engine.RunAsync("sw", Json.Parse("""{"tier":"gold"}"""))).InstanceId!, "finished");
        var other = await engine.WaitForAsync((await engine.RunAsync("sw", Json.Parse("""{"tier":"tin"}"""))).InstanceId!, "finished");

        gold.Variables["trail"]!.GetValue<string>().ShouldBe("gold");
        other.Variables["trail"]!.GetValue<string>().ShouldBe("default");
    }

    [Fact]
    public async Task Fork_join_all_waits_for_every_branch()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("fj",
            $$"""[{ "id": "f", "type": "fork" }, {{Mark("a", "a")}}, { "id": "w", "type": "waitForEvent", "inputs": { "event": "go", "correlationId": "c1" } }, {{Mark("b", "b")}}, { "id": "j", "type": "join", "inputs": { "mode": "all" } }, {{Mark("after", "!")}}]""",
            """[{ "source": "start", "target": "f" }, { "source": "f", "target": "a" }, { "source": "f", "target": "w" }, { "source": "w", "outcome": "received", "target": "b" }, { "source": "a", "target": "j" }, { "source": "b", "target": "j" }, { "source": "j", "target": "after" }]"""));

        var id = (await engine.RunAsync("fj")).InstanceId!;
        var waiting = await engine.WaitForAsync(id, "suspended");
        waiting.Variables["trail"]!.GetValue<string>().ShouldBe("a");
        (await engine.PublishEventAsync("go", "c1")).Resumed.ShouldBe(1);

        var done = await engine.WaitForAsync(id, "finished");
        done.Variables["trail"]!.GetValue<string>().ShouldBe("ab!");
    }

    [Fact]
    public async Task Join_any_continues_on_the_first_branch_and_cancels_the_others()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("ja",
            $$"""[{ "id": "f", "type": "fork" }, {{Mark("fast", "fast")}}, { "id": "slow", "type": "waitForEvent", "inputs": { "event": "never", "correlationId": "x" } }, { "id": "j", "type": "join", "inputs": { "mode": "any" } }, {{Mark("after", "!")}}]""",
            """[{ "source": "start", "target": "f" }, { "source": "f", "target": "fast" }, { "source": "f", "target": "slow" }, { "source": "fast", "target": "j" }, { "source": "slow", "outcome": "received", "target": "j" }, { "source": "j", "target": "after" }]"""));

        var done = await engine.WaitForAsync((await engine.RunAsync("ja")).InstanceId!, "finished");

        done.Variables["trail"]!.GetValue<string>().ShouldBe("fast!");
        done.Bookmarks.ShouldBeEmpty();
        (await engine.PublishEventAsync("never", "x")).Resumed.ShouldBe(0);
    }

    [Fact]
    public async Task For_each_with_a_wait_inside_runs_every_item()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("fe",
            $$"""[{ "id": "loop", "type": "forEach", "inputs": { "items": { "js": "['x','y','z']" } } }, { "id": "w", "type": "waitForEvent", "inputs": { "event": "tick", "correlationId": "fe" } }, { "id": "add", "type": "setVariable", "inputs": { "name": "trail", "value": { "js": "vars.trail + outputs.loop.item" } } }]""",
            """[{ "source": "start", "target": "loop" }, { "source": "loop", "outcome": "iterate", "target": "w" }, { "source": "w", "outcome": "received", "target": "add" }, { "source": "add", "target": "loop" }]"""));

        var id = (await engine.RunAsync("fe")).InstanceId!;
        for (var i = 0; i < 3; i++)
        {
            await engine.WaitForAsync(id, "suspended");
            (await engine.PublishEventAsync("tick", "fe")).Resumed.ShouldBe(1);
        }

        var done = await engine.WaitForAsync(id, "finished");
        done.Variables["trail"]!.GetValue<string>().ShouldBe("xyz");
        done.Log.Count(l => l.ActivityId == "w" && l.Status == "waiting").ShouldBe(3);
    }

    [Fact]
    public async Task Runaway_expression_faults_its_step_with_an_incident_and_the_host_goes_on()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("loop-js",
            """[{ "id": "spin", "type": "script", "inputs": { "value": { "js": "while (true) {}" } } }]""",
            """[{ "source": "start", "target": "spin" }]"""));
        await engine.PublishAsync(Def("throws",
            """[{ "id": "boom", "type": "script", "inputs": { "value": { "js": "throw new Error('no score')" } } }]""",
            """[{ "source": "start", "target": "boom" }]"""));

        var spin = await engine.WaitForAsync((await engine.RunAsync("loop-js")).InstanceId!, "faulted");
        var boom = await engine.WaitForAsync((await engine.RunAsync("throws")).InstanceId!, "faulted");

        spin.IncidentLog.Single().ActivityId.ShouldBe("spin");
        spin.IncidentLog.Single().Message.ShouldContain("'spin'");
        boom.IncidentLog.Single().Message.ShouldContain("no score");
        (await engine.RunAsync("throws")).Outcome.ShouldBe(Scrm.Workflows.Runtime.RunOutcome.Started);
    }

    [Fact]
    public async Task Event_published_before_its_bookmark_is_kept_and_delivered()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("early",
            """[{ "id": "w", "type": "waitForEvent", "inputs": { "event": "paid", "correlationId": { "js": "input.order" } } }]""",
            """[{ "source": "start", "target": "w" }]"""));

        (await engine.PublishEventAsync("paid", "o-7", Json.Parse("""{"amount":5}"""))).Kept.ShouldBe(1);
        var id = (await engine.RunAsync("early", Json.Parse("""{"order":"o-7"}"""))).InstanceId!;

        var done = await engine.WaitForAsync(id, "finished");
        done.Log[^1].Outputs!["payload"]!["amount"]!.GetValue<long>().ShouldBe(5);
    }

    [Fact]
    public async Task Republished_definition_leaves_waiting_v1_instances_on_v1()
    {
        await using var engine = await StartEngineAsync();
        string Version(string mark) => Def("rp",
            $$"""[{ "id": "w", "type": "waitForEvent", "inputs": { "event": "go", "correlationId": { "js": "input.c" } } }, {{Mark("m", mark)}}]""",
            """[{ "source": "start", "target": "w" }, { "source": "w", "outcome": "received", "target": "m" }]""");
        await engine.PublishAsync(Version("v1"));
        var first = (await engine.RunAsync("rp", Json.Parse("""{"c":"1"}"""))).InstanceId!;
        await engine.WaitForAsync(first, "suspended");

        await engine.PublishAsync(Version("v2"));
        var second = (await engine.RunAsync("rp", Json.Parse("""{"c":"2"}"""))).InstanceId!;
        await engine.PublishEventAsync("go", "1");
        await engine.PublishEventAsync("go", "2");

        var one = await engine.WaitForAsync(first, "finished");
        var two = await engine.WaitForAsync(second, "finished");
        (one.Instance.Version, one.Variables["trail"]!.GetValue<string>()).ShouldBe((1, "v1"));
        (two.Instance.Version, two.Variables["trail"]!.GetValue<string>()).ShouldBe((2, "v2"));
    }

    [Fact]
    public async Task Sub_workflow_runs_and_its_parent_continues_when_it_ends()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("child", """[{ "id": "set", "type": "setVariable", "inputs": { "name": "trail", "value": "child-done" } }]""",
            """[{ "source": "start", "target": "set" }]"""));
        await engine.PublishAsync(Def("parent",
            """[{ "id": "call", "type": "runWorkflow", "inputs": { "definition": "child" } }, { "id": "copy", "type": "setVariable", "inputs": { "name": "trail", "value": { "js": "outputs.call.variables.trail" } } }]""",
            """[{ "source": "start", "target": "call" }, { "source": "call", "target": "copy" }]"""));

        var done = await engine.WaitForAsync((await engine.RunAsync("parent")).InstanceId!, "finished");

        done.Variables["trail"]!.GetValue<string>().ShouldBe("child-done");
    }

    [Fact]
    public async Task Dry_run_records_the_request_instead_of_sending_it()
    {
        await using var engine = await StartEngineAsync();
        var definition = Scrm.Workflows.Definitions.DefinitionJson.Parse(Def("dry",
            """[{ "id": "call", "type": "http.request", "inputs": { "url": "http://127.0.0.1:9/never", "method": "POST", "body": { "js": "({ lead: input.id })" } } }]""",
            """[{ "source": "start", "target": "call" }]"""), 1 << 20).Definition!;

        var result = await engine.Runtime.DryRunAsync(definition, Json.Parse("""{"id":"L1"}"""), TestContext.Current.CancellationToken);

        result.Status.ShouldBe(Scrm.Workflows.Runtime.WorkflowStatus.Finished);
        var step = result.Steps.Single(s => s.ActivityId == "call");
        step.Inputs!["url"]!.GetValue<string>().ShouldBe("http://127.0.0.1:9/never");
        step.Outputs!["wouldPerform"]!["body"]!["lead"]!.GetValue<string>().ShouldBe("L1");
    }

    [Theory]
    [InlineData(-3600, false)]
    [InlineData(2, true)]
    public async Task WaitUntil_goes_on_at_once_for_a_past_moment_and_suspends_until_a_future_one(int secondsFromNow, bool waits)
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Def("until",
            $$"""[{ "id": "u", "type": "waitUntil", "inputs": { "at": { "js": "input.at" } } }, {{Mark("after", "!")}}]""",
            """[{ "source": "start", "target": "u" }, { "source": "u", "target": "after" }]"""));
        var at = DateTimeOffset.UtcNow.AddSeconds(secondsFromNow).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var run = await engine.RunAsync("until", Json.Parse($$"""{"at":"{{at}}"}"""));

        (await engine.InstanceAsync(run.InstanceId!)).Instance.Status.ShouldBe(waits ? "suspended" : "finished");
        var done = await engine.WaitForAsync(run.InstanceId!, "finished", TimeSpan.FromSeconds(20));
        done.Variables["trail"]!.GetValue<string>().ShouldBe("!");
    }
}
