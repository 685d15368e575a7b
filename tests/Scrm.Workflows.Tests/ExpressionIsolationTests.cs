using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Scrm.Workflows.Expressions;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Tests;

/// <summary>Engines are pooled and shared by instances: nothing one instance's script declares or changes is seen by the next.</summary>
public sealed class ExpressionIsolationTests
{
    private static JsonNode? Run(ScriptEngine engines, string script, int n)
    {
        var state = new InstanceState { Id = $"i-{n}", DefinitionId = "d", Input = new JsonObject { ["n"] = n } };
        using var scope = new ScriptScope(engines, state);
        return scope.Evaluate(engines.Prepare(script));
    }

    public static TheoryData<string, string, string, string> Leaks => new()
    {
        { "top-level var", "var counter; counter = (counter || 0) + input.n; counter", "typeof counter", "undefined" },
        { "let at the top", "let x = input.n; x * 2", "typeof x", "undefined" },
        { "function declaration", "function helper() { return input.n } helper()", "typeof helper", "undefined" },
        { "class declaration", "class Box { } input.n", "typeof Box", "undefined" },
        { "globalThis property", "globalThis.leak = input.n; input.n", "typeof leak", "undefined" },
        { "top-level this", "this.other = input.n; input.n", "typeof other", "undefined" },
        { "var in a loop", "for (var i = 0; i < input.n; i++) {} i", "typeof i", "undefined" },
    };

    [Theory]
    [MemberData(nameof(Leaks))]
    public void What_one_instance_declares_is_gone_for_the_next(string because, string script, string probe, string expected)
    {
        var engines = new ScriptEngine(Options.Create(new WorkflowsOptions()));

        var first = Run(engines, script, 1);
        var second = Run(engines, script, 2);
        var seen = Run(engines, probe, 3);

        first.ShouldNotBeNull(because);
        second!.ToJsonString().ShouldNotBe(first.ToJsonString(), because);
        seen!.GetValue<string>().ShouldBe(expected, because);
    }

    [Fact]
    public void Same_script_runs_the_same_in_every_instance()
    {
        var engines = new ScriptEngine(Options.Create(new WorkflowsOptions()));

        var results = Enumerable.Range(1, 5).Select(n => Run(engines, "var seen; seen = (seen || 0) + 1; let twice = seen * 2; twice", n)!.GetValue<long>());

        results.ShouldAllBe(r => r == 2);
    }

    [Theory]
    [InlineData("Array.prototype.evil = 1; 1", "[].evil === undefined")]
    [InlineData("Object.prototype.polluted = 1; 1", "({}).polluted === undefined")]
    [InlineData("JSON.parse = () => 'mine'; 1", "JSON.parse('2') === 2")]
    [InlineData("Math.max = () => 0; 1", "Math.max(1, 2) === 2")]
    [InlineData("Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true }); 1", "[...[1, 2]].length === 2")]
    public void Built_in_objects_cannot_be_changed(string attack, string probe)
    {
        var engines = new ScriptEngine(Options.Create(new WorkflowsOptions()));

        Should.Throw<ExpressionException>(() => Run(engines, attack, 1)).Message.ShouldStartWith("The expression threw:");

        Run(engines, probe, 2)!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData("const o = { a: 1 }; o.toString = () => 'mine'; String(o)", "mine")]
    [InlineData("const e = new TypeError('first'); e.message = 'second'; e.name = 'Custom'; `${e.name}: ${e.message}`", "Custom: second")]
    [InlineData("const a = [3, 1, 2]; a.sort(); a.push(4); a.join(',')", "1,2,3,4")]
    public void Ordinary_objects_can_still_be_changed(string script, string expected)
    {
        var engines = new ScriptEngine(Options.Create(new WorkflowsOptions()));

        Run(engines, script, 1)!.GetValue<string>().ShouldBe(expected);
    }

    [Theory]
    [InlineData(1_000, 10_000, "for (let i = 0; i < 100000; i++) {}", "too many statements")]
    [InlineData(100_000_000, 50, "for (;;) {}", "time limit")]
    [InlineData(100_000_000, 10_000, "const f = (n) => f(n + 1); f(0)", "recursed too deeply")]
    public void Every_evaluation_on_a_hardened_engine_keeps_its_limits(int statements, int milliseconds, string script, string expected)
    {
        var engines = new ScriptEngine(Options.Create(new WorkflowsOptions
        {
            Scripts = new ScriptOptions { MaxStatements = statements, Timeout = TimeSpan.FromMilliseconds(milliseconds) },
        }));

        Should.Throw<ExpressionException>(() => Run(engines, script, 1)).Message.ShouldContain(expected);
        Should.Throw<ExpressionException>(() => Run(engines, script, 2)).Message.ShouldContain(expected);
        Run(engines, "input.n + 1", 3)!.GetValue<long>().ShouldBe(4);
    }

    [Fact]
    public async Task A_workflow_whose_script_declares_a_top_level_var_gives_every_instance_a_fresh_one()
    {
        await using var engine = await Engine.StartAsync();
        await engine.PublishAsync("""{ "id": "fresh", "name": "fresh", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "count", "type": "script", "inputs": { "value": { "js": "var calls; calls = (calls || 0) + 1; calls" }, "variable": "calls" } }], "connections": [{ "source": "start", "target": "count" }] }""");

        var counts = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var done = await engine.WaitForAsync((await engine.RunAsync("fresh")).InstanceId!, "finished");
            counts.Add(done.Variables["calls"]!.GetValue<long>());
        }

        counts.ShouldAllBe(c => c == 1);
    }
}
