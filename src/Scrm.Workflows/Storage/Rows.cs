namespace Scrm.Workflows.Storage;

internal sealed class DefinitionRow
{
    public string Id { get; set; } = "";
    public int Version { get; set; }
    public string State { get; set; } = DefinitionStates.Draft;
    public string Name { get; set; } = "";
    public string Json { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? PublishedAt { get; set; }
}

internal static class DefinitionStates
{
    public const string Draft = "draft";
    public const string Published = "published";
    /// <summary>A published version superseded by a newer one; its instances still run on it.</summary>
    public const string Retired = "retired";
}

internal sealed class TriggerRow
{
    public string DefinitionId { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public int Version { get; set; }
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public string Hash { get; set; } = "";
}

internal sealed class InstanceRow
{
    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; }
    public string Status { get; set; } = "";
    public string? CorrelationId { get; set; }
    public string? SingletonKey { get; set; }
    public string? ParentId { get; set; }
    public string State { get; set; } = "";
    public int IncidentCount { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? FinishedAt { get; set; }
    public long RowVersion { get; set; }
    public string? LeaseOwner { get; set; }
    public long LeaseUntil { get; set; }
}

internal sealed class LogRow
{
    public string InstanceId { get; set; } = "";
    public int Seq { get; set; }
    public string Records { get; set; } = "";
    public long At { get; set; }
}

internal sealed class BookmarkRow
{
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string Hash { get; set; } = "";
    public string Name { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string? CorrelationId { get; set; }
    public long CreatedAt { get; set; }
    public long? DueAt { get; set; }
}

internal sealed class CountRow
{
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; }
    public string ActivityId { get; set; } = "";
    public long Entered { get; set; }
    public long Completed { get; set; }
    public long Faulted { get; set; }
    public long Waiting { get; set; }
}

/// <summary>A run that did nothing, by its instance's 64-bit key: answers a redelivered start as a duplicate until the history sweep drops it.</summary>
internal sealed class RunKeyRow
{
    public long Key { get; set; }
    public long At { get; set; }
}

internal sealed class EffectRow
{
    public string Key { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string? Result { get; set; }
    public long CompletedAt { get; set; }
}

internal sealed class PendingStimulusRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public string Hash { get; set; } = "";
    public string? Payload { get; set; }
    public long CreatedAt { get; set; }
    /// <summary>Null for outbox entries (delivered until they succeed); set for early events (dropped after).</summary>
    public long? ExpiresAt { get; set; }
}
