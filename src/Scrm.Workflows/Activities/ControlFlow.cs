using Scrm.Platform.Text;
using System.Text.Json.Nodes;
using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Activities;

[Activity("if", Outcomes = ["true", "false"], Description = "Goes one way or the other on a condition.")]
internal sealed class IfActivity : Activity
{
    [Input(Required = true)]
    public Input<bool> Condition { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.Complete(context.Get(Condition) ? "true" : "false");
        return ValueTask.CompletedTask;
    }
}

[Activity("switch", Outcomes = ["default"], Description = "Follows the case equal to the value, else 'default'.")]
internal sealed class Switch : Activity
{
    [Input(Required = true)]
    public Input<string> Value { get; init; } = new();

    [Input(Required = true, Description = "The case names; each is an outcome.")]
    public Input<string[]> Cases { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var value = context.Get(Value);
        var cases = context.Get(Cases) ?? [];
        context.Complete(value is not null && Array.IndexOf(cases, value) >= 0 ? value : "default");
        return ValueTask.CompletedTask;
    }

    public override IEnumerable<string> DynamicOutcomes(ActivityDefinition definition) =>
        definition.Inputs.TryGetValue("cases", out var cases) && cases.Literal is JsonArray array
            ? array.Select(c => c?.ToString() ?? "")
            : [];

    public override IEnumerable<UserText> Validate(ActivityDefinition definition)
    {
        if (definition.Inputs.TryGetValue("cases", out var cases) && (cases.Kind != InputKind.Literal || cases.Literal is not JsonArray))
        {
            yield return new("输入“cases”必须是分支名称的固定列表", "input 'cases' must be a literal list of case names.");
        }
    }
}

[Activity("fork", Kinds = ActivityKinds.FollowsAll, Outcomes = [], Description = "Runs every outbound branch.")]
internal sealed class Fork : Activity
{
    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.CompleteAllBranches();
        return ValueTask.CompletedTask;
    }
}

[Activity("join", Description = "Waits for branches: 'all' for every inbound branch, 'any' for the first (the others are cancelled).")]
internal sealed class Join : Activity
{
    [Input(Description = "all (default) or any.")]
    public Input<string> Mode { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var any = string.Equals(context.Get(Mode), "any", StringComparison.OrdinalIgnoreCase);
        if (any)
        {
            context.State = null;
            context.CompleteJoin(cancelOthers: true);
            return ValueTask.CompletedTask;
        }

        var arrived = context.State as JsonArray ?? [];
        if (context.ArrivedFrom is { } from && !arrived.Any(a => a?.GetValue<string>() == from))
        {
            arrived.Add(from);
        }

        if (context.InboundSources.All(s => arrived.Any(a => a?.GetValue<string>() == s)))
        {
            context.State = null;
            context.CompleteJoin(cancelOthers: false);
        }
        else
        {
            context.State = arrived;
        }

        return ValueTask.CompletedTask;
    }

    public override IEnumerable<UserText> Validate(ActivityDefinition definition)
    {
        if (definition.Inputs.TryGetValue("mode", out var mode) && mode.Kind == InputKind.Literal
            && mode.Literal?.ToString() is not ("all" or "any"))
        {
            yield return new("输入“mode”必须是 all（全部到达）或 any（任一到达）", "input 'mode' must be 'all' or 'any'.");
        }
    }
}

[Activity("forEach", Kinds = ActivityKinds.Loop, Outcomes = ["iterate", "done"],
    Description = "Runs the 'iterate' branch once per item; connect the branch's end back to this node. Outputs item and index.")]
internal sealed class ForEach : Activity
{
    [Input(Required = true)]
    public Input<JsonArray> Items { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        JsonObject loop;
        if (context.State is JsonObject current)
        {
            loop = current;
            loop["index"] = loop["index"]!.GetValue<int>() + 1;
        }
        else
        {
            loop = new JsonObject { ["items"] = context.Get(Items)?.DeepClone() ?? new JsonArray(), ["index"] = 0 };
        }

        var items = loop["items"]!.AsArray();
        var index = loop["index"]!.GetValue<int>();
        if (index >= items.Count)
        {
            context.State = null;
            context.SetOutput("count", items.Count);
            context.Complete("done");
            return ValueTask.CompletedTask;
        }

        context.State = loop;
        context.SetOutput("item", items[index]?.DeepClone());
        context.SetOutput("index", index);
        context.Complete("iterate");
        return ValueTask.CompletedTask;
    }
}

[Activity("setVariable", Description = "Sets a workflow variable.")]
internal sealed class SetVariable : Activity
{
    [Input(Required = true)]
    public Input<string> Name { get; init; } = new();

    [Input]
    public Input<JsonNode> Value { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.SetVariable(context.Get(Name)!, context.Get(Value));
        context.Complete();
        return ValueTask.CompletedTask;
    }
}

[Activity("script", Description = "Evaluates an expression; outputs 'result' and optionally writes it to a variable.")]
internal sealed class Script : Activity
{
    [Input(Required = true)]
    public Input<JsonNode> Value { get; init; } = new();

    [Input(Description = "A variable to write the result to.")]
    public Input<string> Variable { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var result = context.Get(Value);
        if (context.Get(Variable) is { Length: > 0 } variable)
        {
            context.SetVariable(variable, result?.DeepClone());
        }

        context.SetOutput("result", result);
        context.Complete();
        return ValueTask.CompletedTask;
    }
}

[Activity("end", Outcomes = [], Description = "Finishes the instance; other branches and waits are dropped.")]
internal sealed class EndActivity : Activity
{
    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.FinishInstance();
        return ValueTask.CompletedTask;
    }
}
