using System.Text.Json.Nodes;

namespace Scrm.Workflows.Runtime;

/// <summary>How to start an instance by hand.</summary>
public sealed record RunOptions
{
    public string? InstanceId { get; init; }

    public string? ParentInstanceId { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>Which trigger node to start at; the <c>start</c> trigger (or the first) by default.</summary>
    public string? TriggerActivityId { get; init; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<RunOutcome>))]
public enum RunOutcome
{
    Started,
    Resumed,
    Cancelled,
    Retried,
    /// <summary>The same start was already committed (a redelivered stimulus).</summary>
    Duplicate,
    /// <summary>An instance with the same correlation id is running and the workflow allows one.</summary>
    AlreadyRunning,
    NotFound,
    /// <summary>The instance is not in a state this applies to (not waiting on the bookmark, not faulted, already ended).</summary>
    NotApplicable,
    /// <summary>Another replica holds the instance.</summary>
    Busy,
}

public sealed record RunResult(RunOutcome Outcome, string? InstanceId, WorkflowStatus? Status)
{
    public static RunResult Of(RunOutcome outcome, string? instanceId = null) => new(outcome, instanceId, null);
}

public sealed record DispatchResult(int Started, int Resumed, int Kept, IReadOnlyList<string> InstanceIds);

public sealed record DryRunResult(
    WorkflowStatus Status,
    IReadOnlyList<ActivityLogRecord> Steps,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<BookmarkView> Bookmarks)
{
    /// <summary>The trigger the run entered at.</summary>
    public string? Trigger { get; init; }
}

public sealed record BookmarkView(string Id, string Name, string ActivityId, DateTimeOffset? DueAt);
