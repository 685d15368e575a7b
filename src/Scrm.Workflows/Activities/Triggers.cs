using Scrm.Platform.Text;
using System.Text.Json.Nodes;
using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Activities;

/// <summary>
/// A node that starts instances. Its stimulus (name + the payload part that matters) is computed
/// from its literal inputs at publish time and indexed by hash; when it runs it hands the
/// stimulus payload on as its <c>payload</c> output and sets the instance's correlation id.
/// </summary>
public abstract class TriggerActivity : Activity
{
    [Input(Description = "Correlation id of started instances (customer or conversation id), usually a js expression over input.")]
    public Input<string> CorrelationId { get; init; } = new();

    /// <summary>The stimulus this trigger starts on, or null for triggers only started by hand.</summary>
    public abstract TriggerStimulus? Stimulus(ActivityDefinition definition);

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        if (CorrelationId.IsSet && context.Get(CorrelationId) is { Length: > 0 } correlation)
        {
            context.SetCorrelationId(correlation);
        }

        context.Complete();
        return ValueTask.CompletedTask;
    }

    protected static string? Literal(ActivityDefinition definition, string input) =>
        definition.Inputs.TryGetValue(input, out var value) && value.Kind == InputKind.Literal && value.Literal is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : null;

    private static readonly UserText LiteralInput = new("触发器的输入“{0}”必须是固定值（发布工作流时要据此建立索引）",
        "input '{0}' of a trigger must be a literal (it is indexed when the workflow is published).");

    public override IEnumerable<UserText> Validate(ActivityDefinition definition) =>
        definition.Inputs.Where(i => i.Key != "correlationId" && i.Value.Kind != InputKind.Literal)
            .Select(i => LiteralInput.Filled(i.Key));
}

/// <summary>What a published trigger is indexed under.</summary>
public sealed record TriggerStimulus(string Name, string Key);

[Activity("start", Kinds = ActivityKinds.Trigger, Description = "Start by hand: the run API or a parent workflow.")]
internal sealed class StartTrigger : TriggerActivity
{
    public override TriggerStimulus? Stimulus(ActivityDefinition definition) => null;
}

[Activity("trigger.journal", Kinds = ActivityKinds.Trigger, Description = "Start on an inbound item of a kind (mention, lead, message, contact_event), optionally from one channel.")]
internal sealed class JournalTrigger : TriggerActivity
{
    [Input(Required = true, Description = "Item kind: mention, lead, message or contact_event.")]
    public Input<string> Kind { get; init; } = new();

    [Input(Description = "Only items from this channel (wechat, wecom, weibo, web, webhook); any when absent.")]
    public Input<string> Channel { get; init; } = new();

    public override TriggerStimulus? Stimulus(ActivityDefinition definition) =>
        new($"{Literal(definition, "kind")}.received", Literal(definition, "channel") ?? "");
}

[Activity("trigger.http", Kinds = ActivityKinds.Trigger, Description = "Start on POST /api/v1/workflows/hooks/{path}.")]
internal sealed class HttpTrigger : TriggerActivity
{
    [Input(Required = true, Description = "The hook path, e.g. 'order-paid'.")]
    public Input<string> Path { get; init; } = new();

    public override TriggerStimulus? Stimulus(ActivityDefinition definition) => new(HttpStimulus.Name, Literal(definition, "path") ?? "");
}

[Activity("trigger.event", Kinds = ActivityKinds.Trigger, Description = "Start on a named event published to POST /api/v1/workflows/events.")]
internal sealed class EventTrigger : TriggerActivity
{
    [Input(Required = true, Description = "The event name.")]
    public Input<string> Event { get; init; } = new();

    public override TriggerStimulus? Stimulus(ActivityDefinition definition) => new(EventStimulus.Prefix + Literal(definition, "event"), "");
}

[Activity("trigger.cron", Kinds = ActivityKinds.Trigger, Description = "Start on a Quartz cron schedule (seconds first: '0 0 9 * * ?').")]
internal sealed class CronTrigger : TriggerActivity
{
    [Input(Required = true, Description = "Quartz cron expression.")]
    public Input<string> Cron { get; init; } = new();

    public override TriggerStimulus? Stimulus(ActivityDefinition definition) => null;


    public override IEnumerable<UserText> Validate(ActivityDefinition definition)
    {
        foreach (var error in base.Validate(definition))
        {
            yield return error;
        }

        if (Literal(definition, "cron") is { } cron && Scrm.Platform.Scheduling.Cron.Problem(cron) is { } problem)
        {
            yield return problem;
        }
    }
}

internal static class HttpStimulus
{
    public const string Name = "http.request";
}

public static class EventStimulus
{
    public const string Prefix = "event:";
}
