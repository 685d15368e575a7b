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
    /// How many entries the first batch after the lease is taken (a start, a takeover) or a failure
    /// holds (null: <c>Scrm:Journal:ConsumerBatchSize</c>, and never more than it). From a smaller
    /// size, one batch is in flight at first, and each full batch that passes doubles the size (up to
    /// <c>Scrm:Journal:ConsumerBatchSize</c>) and opens one more batch in flight. A handler whose
    /// entries are slow starts small, so the first checkpoint after a takeover moves within a few
    /// hundred milliseconds, while a backlog is still read in large batches, whose fixed costs
    /// (reads, commits) are shared by many entries.
    /// </summary>
    int? BatchSize => null;

    Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken);
}
