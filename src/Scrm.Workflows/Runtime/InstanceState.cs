using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Scrm.Workflows.Runtime;

/// <summary>Where an instance is in its life.</summary>
[JsonConverter(typeof(WireEnumConverter<WorkflowStatus>))]
public enum WorkflowStatus
{
    Running,
    Suspended,
    Finished,
    Faulted,
    Cancelled,
}

/// <summary>Enums as camel-case strings (<c>"suspended"</c>), the same in the API and in stored state; read case-insensitively.</summary>
internal sealed class WireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;

internal static class WorkflowStatuses
{
    public static string ToWire(this WorkflowStatus status) => status switch
    {
        WorkflowStatus.Running => "running",
        WorkflowStatus.Suspended => "suspended",
        WorkflowStatus.Finished => "finished",
        WorkflowStatus.Faulted => "faulted",
        _ => "cancelled",
    };

    public static WorkflowStatus? FromWire(string? status) => status switch
    {
        "running" => WorkflowStatus.Running,
        "suspended" => WorkflowStatus.Suspended,
        "finished" => WorkflowStatus.Finished,
        "faulted" => WorkflowStatus.Faulted,
        "cancelled" => WorkflowStatus.Cancelled,
        _ => null,
    };

    public static bool IsActive(this WorkflowStatus status) => status is WorkflowStatus.Running or WorkflowStatus.Suspended;
}

/// <summary>
/// Everything an instance needs to continue, stored as one JSON document per instance: the
/// pending work, bookmarks, variables, per-node state (loops, joins) and incidents.
/// </summary>
internal sealed class InstanceState
{
    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; }
    public WorkflowStatus Status { get; set; }
    public string? CorrelationId { get; set; }
    public string? ParentInstanceId { get; set; }
    public JsonNode? Input { get; set; }
    public Dictionary<string, JsonNode?> Variables { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, JsonObject> Outputs { get; set; } = new(StringComparer.Ordinal);
    public List<WorkItem> Queue { get; set; } = [];
    public List<BookmarkState> Bookmarks { get; set; } = [];
    public Dictionary<string, JsonNode?> NodeState { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Executions { get; set; } = new(StringComparer.Ordinal);
    public List<Incident> Incidents { get; set; } = [];
    public WorkItem? FaultedItem { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? FinishedAt { get; set; }
    public int LogSeq { get; set; }

    /// <summary>Bumped when variables change, so expression globals are rebuilt only then.</summary>
    [JsonIgnore]
    public int VariablesVersion { get; set; }

    [JsonIgnore]
    public int OutputsVersion { get; set; }
}

/// <summary>An activity scheduled to run: which node, in which fork scope, reached from where.</summary>
internal sealed record WorkItem(string ActivityId, string Scope = "", string? From = null);

/// <summary>A suspended activity waiting for its stimulus.</summary>
internal sealed record BookmarkState(
    string Id,
    string Name,
    string Key,
    string Hash,
    string ActivityId,
    string Scope,
    int Iteration,
    string? Tag,
    long? DueAt,
    long CreatedAt);

/// <summary>A fault recorded against the activity that caused it.</summary>
public sealed record Incident(string ActivityId, string ActivityType, string Message, DateTimeOffset At)
{
    /// <summary>The message in Chinese (incidents recorded before it was kept have the English only).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Chinese { get; init; }

    /// <summary>This incident as a reader of <paramref name="language"/> sees it.</summary>
    public Incident In(string language) =>
        language == Scrm.Platform.Text.Languages.English || Chinese is null ? this with { Chinese = null } : this with { Message = Chinese, Chinese = null };
}

/// <summary>One activity execution in the instance's log.</summary>
public sealed record ActivityLogRecord(
    string ActivityId,
    string Type,
    int Iteration,
    string Status,
    string? Outcome,
    JsonObject? Inputs,
    JsonObject? Outputs,
    DateTimeOffset StartedAt,
    double DurationMs,
    string? Error = null);

internal static class LogStatus
{
    public const string Completed = "completed";
    public const string Waiting = "waiting";
    public const string Resumed = "resumed";
    public const string Faulted = "faulted";
    public const string Arrived = "arrived";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InstanceState))]
[JsonSerializable(typeof(List<ActivityLogRecord>))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class RuntimeJson : JsonSerializerContext
{
    /// <summary>How instance state and logs are stored: Chinese as UTF-8, not <c>\uXXXX</c> escapes (half the size).</summary>
    public static RuntimeJson Stored { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
