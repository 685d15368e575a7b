using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Activities;

/// <summary>The stimulus name of timer bookmarks; a scheduled job resumes them when due.</summary>
public static class TimerStimulus
{
    public const string Name = "timer";
}

[Activity("delay", Kinds = ActivityKinds.Wait, Description = "Waits for a duration ('00:05:00' or milliseconds).")]
internal sealed class Delay : Activity
{
    [Input(Required = true)]
    public Input<TimeSpan> Duration { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.Suspend(new BookmarkRequest(TimerStimulus.Name, "", context.Time.GetUtcNow() + context.Get(Duration)));
        return ValueTask.CompletedTask;
    }
}

[Activity("waitUntil", Kinds = ActivityKinds.Wait, Description = "Waits until a moment (ISO 8601); goes on at once if it has passed.")]
internal sealed class WaitUntil : Activity
{
    [Input(Required = true)]
    public Input<DateTimeOffset> At { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var at = context.Get(At);
        if (at <= context.Time.GetUtcNow())
        {
            context.Complete();
        }
        else
        {
            context.Suspend(new BookmarkRequest(TimerStimulus.Name, "", at));
        }

        return ValueTask.CompletedTask;
    }
}

[Activity("waitForEvent", Kinds = ActivityKinds.Wait, Outcomes = ["received", "timeout"],
    Description = "Waits for a named event for this instance's correlation id (or the one given), optionally with a timeout.")]
internal sealed class WaitForEvent : Activity
{
    [Input(Required = true, Description = "Event name, e.g. 'order.paid'.")]
    public Input<string> Event { get; init; } = new();

    [Input(Description = "Only an event with this correlation id resumes; the instance's correlation id when absent.")]
    public Input<string> CorrelationId { get; init; } = new();

    [Input(Description = "Give up after this long and follow 'timeout'.")]
    public Input<TimeSpan> Timeout { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var correlation = (CorrelationId.IsSet ? context.Get(CorrelationId) : null) ?? context.CorrelationId ?? "";
        context.Suspend(new BookmarkRequest(EventStimulus.Prefix + context.Get(Event), correlation, Tag: "event"));
        if (Timeout.IsSet)
        {
            context.Suspend(new BookmarkRequest(TimerStimulus.Name, "", context.Time.GetUtcNow() + context.Get(Timeout), "timeout"));
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityContext context)
    {
        if (context.Resumed?.Tag == "timeout")
        {
            context.Complete("timeout");
        }
        else
        {
            context.SetOutput("payload", context.Resumed?.Payload?.DeepClone());
            context.Complete("received");
        }

        return ValueTask.CompletedTask;
    }
}

[Activity("runWorkflow", Kinds = ActivityKinds.Wait, Outcomes = [Outcomes.Done, "faulted"],
    Description = "Starts the published version of another workflow with an input; waits for it to end unless 'wait' is false.")]
internal sealed class RunWorkflow : Activity
{
    [Input(Required = true)]
    public Input<string> Definition { get; init; } = new();

    [Input]
    public Input<System.Text.Json.Nodes.JsonNode> Input { get; init; } = new();

    [Input(Description = "Wait for the child to end (default true).")]
    public Input<bool?> Wait { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var childId = context.StartChild(context.Get(Definition)!, context.Get(Input));
        context.SetOutput("instanceId", childId);
        if (context.Get(Wait) == false)
        {
            context.Complete();
        }
        else
        {
            context.Suspend(new BookmarkRequest(Runtime.SubWorkflowStimulus.Name, childId));
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityContext context)
    {
        var payload = context.Resumed?.Payload;
        context.SetOutput("status", payload?["status"]?.DeepClone());
        context.SetOutput("variables", payload?["variables"]?.DeepClone());
        context.Complete(payload?["status"]?.GetValue<string>() == "finished" ? Outcomes.Done : "faulted");
        return ValueTask.CompletedTask;
    }
}
