using Scrm.Ingestion.Journal;

namespace Scrm.Ingestion.Consumers;

/// <summary>
/// Work done for every journal item, at least once, in position order. Handlers must be
/// idempotent: after a crash the batch since the last checkpoint is handed over again.
/// </summary>
public interface IJournalHandler
{
    /// <summary>Stable name: the key of this handler's checkpoint.</summary>
    string Name { get; }

    Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken);
}
