using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Scrm.Workflows.Definitions;

/// <summary>
/// A workflow as a marketer draws it: triggers and activities are the nodes, connections the
/// edges (from a node's named outcome to the next node). Display metadata is kept apart from
/// behaviour so that moving a box in the designer never changes what runs.
/// </summary>
public sealed record WorkflowDefinition
{
    public required string Id { get; init; }

    /// <summary>Set by the store: drafts and published versions are numbered from 1.</summary>
    public int Version { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<ActivityDefinition> Triggers { get; init; } = [];

    public IReadOnlyList<VariableDefinition> Variables { get; init; } = [];

    public IReadOnlyList<ActivityDefinition> Activities { get; init; } = [];

    public IReadOnlyList<Connection> Connections { get; init; } = [];

    public WorkflowOptions Options { get; init; } = new();

    /// <summary>Triggers and activities together: every node of the graph.</summary>
    [JsonIgnore]
    public IEnumerable<ActivityDefinition> Nodes => Triggers.Concat(Activities);
}

/// <summary>One node: an activity type alias, its inputs, and where the designer draws it.</summary>
public sealed record ActivityDefinition
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    public IReadOnlyDictionary<string, InputValue> Inputs { get; init; } = new Dictionary<string, InputValue>();

    /// <summary>Designer-only data (position, label, colour). Never read by the engine.</summary>
    public JsonObject? Display { get; init; }
}

/// <summary>A workflow variable with its initial value.</summary>
public sealed record VariableDefinition(string Name, JsonNode? Value = null);

/// <summary>An edge: when <see cref="Source"/> completes with <see cref="Outcome"/>, <see cref="Target"/> runs.</summary>
public sealed record Connection(string Source, string Target, string Outcome = Outcomes.Done);

/// <summary>Per-workflow behaviour that is not a node.</summary>
public sealed record WorkflowOptions
{
    /// <summary>At most one running or suspended instance per correlation id (customer, conversation).</summary>
    public bool OneRunningPerCorrelation { get; init; }

    /// <summary>
    /// Store runs that did nothing: started by an inbound item, ended in the same burst with no side
    /// effect, no wait and no fault. Off by default: such runs are counted per step and not stored
    /// one by one (a mention without buying intent costs a counter, not a row and its log).
    /// </summary>
    public bool KeepNoOpRuns { get; init; }

    /// <summary>How long ended instances and their logs are kept; the engine's defaults where not given.</summary>
    public HistoryPeriods? History { get; init; }
}

/// <summary>How long ended instances are kept before the history sweep deletes them (per-step counts stay).</summary>
public sealed record HistoryPeriods
{
    public TimeSpan? Finished { get; init; }

    public TimeSpan? Cancelled { get; init; }

    public TimeSpan? Faulted { get; init; }
}

/// <summary>Outcome names the built-in activities share.</summary>
public static class Outcomes
{
    public const string Done = "done";
}
