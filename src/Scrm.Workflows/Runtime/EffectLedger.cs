using System.Text.Json.Nodes;

namespace Scrm.Workflows.Runtime;

/// <summary>Side effects already performed, by idempotency key, so a rerun after a crash does not repeat them.</summary>
internal interface IEffectLedger
{
    ValueTask<RecordedEffect> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>Records a performed effect durably before the step continues.</summary>
    ValueTask RecordAsync(EffectRecord effect, CancellationToken cancellationToken);
}

internal sealed record EffectRecord(string Key, string InstanceId, string ActivityId, JsonNode? Result);

internal readonly record struct RecordedEffect(bool Found, JsonNode? Result);
