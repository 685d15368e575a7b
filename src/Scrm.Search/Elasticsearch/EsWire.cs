using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// Elasticsearch response bodies as they are on the wire. Unknown members are kept
/// (<see cref="JsonExtensionDataAttribute"/>), values that may be null or absent stay raw, so a body
/// parses and writes back without loss; the adapter reads what it needs from these.
/// </summary>
internal static class EsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string? Text(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

internal sealed record EsBulkResponse(
    [property: JsonPropertyName("took")] long? Took,
    [property: JsonPropertyName("errors")] bool? Errors,
    [property: JsonPropertyName("items")] List<Dictionary<string, EsBulkItem>> Items)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record EsBulkItem(
    [property: JsonPropertyName("_index")] string? Index,
    [property: JsonPropertyName("_id")] string? Id,
    [property: JsonPropertyName("_version")] long? Version,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("_shards")] EsShards? Shards,
    [property: JsonPropertyName("_seq_no")] long? SeqNo,
    [property: JsonPropertyName("_primary_term")] long? PrimaryTerm,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("error")] EsError? Error)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>An <c>ErrorCause</c>: kept whole, with its type and reason at hand.</summary>
[JsonConverter(typeof(EsErrorConverter))]
internal sealed record EsError(JsonElement Raw)
{
    /// <summary>The error's type, or, when Elasticsearch wrote the error as a plain string, null.</summary>
    public string? Type => Raw.Text("type");

    public string Reason => Raw.ValueKind == JsonValueKind.String ? Raw.GetString() ?? "" : Raw.Text("reason") ?? Type ?? "unknown error";

    public override string ToString() => Type is null ? Reason : $"{Type}: {Reason}";
}

internal sealed class EsErrorConverter : JsonConverter<EsError>
{
    public override EsError Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonElement.ParseValue(ref reader));

    public override void Write(Utf8JsonWriter writer, EsError value, JsonSerializerOptions options) => value.Raw.WriteTo(writer);
}

internal sealed record EsShards(
    [property: JsonPropertyName("total")] int? Total,
    [property: JsonPropertyName("successful")] int? Successful,
    [property: JsonPropertyName("skipped")] int? Skipped,
    [property: JsonPropertyName("failed")] int? Failed,
    [property: JsonPropertyName("failures")] List<EsShardFailure>? Failures)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record EsShardFailure(
    [property: JsonPropertyName("shard")] int? Shard,
    [property: JsonPropertyName("index")] string? Index,
    [property: JsonPropertyName("node")] string? Node,
    [property: JsonPropertyName("reason")] EsError? Reason)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record EsSearchResponse(
    [property: JsonPropertyName("took")] long? Took,
    [property: JsonPropertyName("timed_out")] bool? TimedOut,
    [property: JsonPropertyName("_shards")] EsShards? Shards,
    [property: JsonPropertyName("hits")] EsHits? Hits,
    [property: JsonPropertyName("aggregations")] Dictionary<string, JsonElement>? Aggregations,
    [property: JsonPropertyName("_scroll_id")] string? ScrollId,
    [property: JsonPropertyName("pit_id")] string? PitId)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record EsHits(
    [property: JsonPropertyName("total")] EsTotal? Total,
    [property: JsonPropertyName("hits")] List<EsHit> Hits)
{
    /// <summary>Null when sorting by something else than the score: kept raw so that stays visible.</summary>
    [JsonPropertyName("max_score")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement MaxScore { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record EsTotal(
    [property: JsonPropertyName("value")] long Value,
    [property: JsonPropertyName("relation")] string Relation);

internal sealed record EsHit(
    [property: JsonPropertyName("_index")] string? Index,
    [property: JsonPropertyName("_id")] string? Id,
    [property: JsonPropertyName("_source")] JsonElement? Source,
    [property: JsonPropertyName("highlight")] Dictionary<string, List<string>>? Highlight,
    [property: JsonPropertyName("sort")] List<JsonElement>? Sort)
{
    [JsonPropertyName("_score")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Score { get; init; }

    [JsonIgnore]
    public double? ScoreValue => Score.ValueKind == JsonValueKind.Number ? Score.GetDouble() : null;

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record EsCountResponse(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("_shards")] EsShards? Shards)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Any error body: <c>{"error": {...} or "...", "status": N}</c>.</summary>
internal sealed record EsErrorResponse(
    [property: JsonPropertyName("error")] EsError? Error,
    [property: JsonPropertyName("status")] int? Status)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Answers that acknowledge a change: create index, update aliases, put mapping.</summary>
internal sealed record EsAcknowledged(
    [property: JsonPropertyName("acknowledged")] bool Acknowledged,
    [property: JsonPropertyName("shards_acknowledged")] bool? ShardsAcknowledged,
    [property: JsonPropertyName("index")] string? Index,
    [property: JsonPropertyName("errors")] bool? Errors)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary><c>GET _alias/{name}</c>: concrete index → its aliases.</summary>
internal sealed record EsIndexAliases([property: JsonPropertyName("aliases")] Dictionary<string, JsonElement> Aliases)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record EsHealth(
    [property: JsonPropertyName("cluster_name")] string? ClusterName,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("timed_out")] bool? TimedOut)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
