using Scrm.Ingestion.Journal;

namespace Scrm.Ingestion.Consumers;

/// <summary>
/// Work done for every journal item, at least once, in position order. Handlers must be
/// idempotent: after a crash the batches since the last checkpoint are handed over again.
/// </summary>
public interface IJournalHandler
{
    /// <summary>Stable name: the key of this handler's checkpoint.</summary>
    string Name { get; }

    /// <summary>
    /// How many batches may be handled at once (1: one after another). A handler that spends a
    /// batch mostly waiting, and does not need the items of one batch done before the next starts,
    /// keeps more in flight; the checkpoint still only passes a batch when every earlier one is done.
    /// </summary>
    int BatchesInFlight => 1;

    /// <summary>
    /// At most how many entries one batch holds (null: <c>Scrm:Journal:ConsumerBatchSize</c>, and
    /// never more than it). A handler whose entries are slow keeps batches small, so its checkpoint
    /// moves every few hundred milliseconds and a replica taking over or a restart redoes little.
    /// </summary>
    int? BatchSize => null;

    Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken);
}
