namespace Scrm.Ingestion.Journal;

/// <summary>Appends inbound items durably. A completed append has been committed.</summary>
public interface IJournal
{
    /// <summary>
    /// Appends the items in one transaction (never split) and completes after the commit, with one
    /// result per item in order. Cancelling stops the wait, not the append.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<InboundItem> items, CancellationToken cancellationToken);
}

/// <summary>Where an item is in the journal, and whether it was already there.</summary>
public readonly record struct AppendResult(long Position, bool Duplicate);

/// <summary>A committed journal item as consumers see it.</summary>
public sealed record JournalEntry(
    long Position,
    InboundKind Kind,
    string Channel,
    string Account,
    string IdempotencyKey,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string Payload);

/// <summary>The journal is not accepting appends (shutting down or its storage failed).</summary>
internal sealed class JournalUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
