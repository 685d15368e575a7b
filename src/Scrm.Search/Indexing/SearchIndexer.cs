using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Ingestion.Consumers;
using Scrm.Ingestion.Journal;
using Scrm.Search.Feeds;

namespace Scrm.Search.Indexing;

/// <summary>
/// Writes journal items into the index, in position order, idempotently by document id. If the
/// index ends before the batch it is handed (a hard kill lost its last uncommitted writes), the
/// gap is read from the journal and written first.
/// </summary>
internal sealed partial class SearchIndexer(
    IIndexBackend index,
    JournalReader journal,
    IDocumentOwners owners,
    IOptions<SearchOptions> options,
    ILogger<SearchIndexer> log) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task IndexAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (index.WrittenPosition is { } written && batch[0].Position > written + 1)
            {
                await ReplayAsync(written, batch[0].Position - 1, cancellationToken);
            }

            await WriteAsync(batch, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Brings the index up to the journal's last position (at start, after a crash).</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (index.WrittenPosition is null)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var from = index.WrittenPosition.Value;
            var to = await journal.LastPositionAsync(cancellationToken);
            if (to > from)
            {
                LogCatchingUp(log, from, to);
                await ReplayAsync(from, to, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A rebuild writes positions up to <paramref name="through"/> itself: from now on they are replaced by id, never appended.</summary>
    public async Task ReserveAsync(long through, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            index.Reserve(through);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes positions after <paramref name="after"/> through <paramref name="through"/> again, in order with the live indexer.</summary>
    public async Task ReplayRangeAsync(long after, long through, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ReplayAsync(after, through, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReplayAsync(long after, long through, CancellationToken cancellationToken)
    {
        var position = after;
        while (position < through)
        {
            var batch = await journal.ReadAsync(position, options.Value.BatchSize, cancellationToken);
            var inRange = batch.Where(e => e.Position <= through).ToList();
            if (inRange.Count == 0)
            {
                break;
            }

            await WriteAsync(inRange, cancellationToken);
            position = inRange[^1].Position;
        }
    }

    /// <summary>
    /// Writes a feed's batch in turn with the journal items. Items the batch rewrites may not have been
    /// written yet: they are reserved, so the journal write replaces them by id instead of adding them again.
    /// </summary>
    public async Task<IndexWriteResult> WriteFeedAsync(FeedBatch batch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (batch.JournalThrough > 0)
            {
                index.Reserve(batch.JournalThrough);
            }

            var result = batch.Upserts.Count == 0 ? IndexWriteResult.AllWritten(0) : await index.UpsertAsync(batch.Upserts, cancellationToken);
            if (batch.Deletes.Count > 0)
            {
                await index.DeleteAsync(batch.Deletes, cancellationToken);
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The documents of journal items, each with the owner of the lead it is part of (if it is already).</summary>
    public async Task<List<SearchDocument>> DocumentsAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var mapped = entries.Select(e => (e.Position, Document: JournalDocuments.Map(e))).Where(m => m.Document is not null).ToList();
        var owned = await owners.OfAsync([.. mapped.Select(m => m.Position)], cancellationToken);
        return mapped.ConvertAll(m => owned.GetValueOrDefault(m.Position) is { } owner ? m.Document! with { Owner = owner } : m.Document!);
    }

    private async Task WriteAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
    {
        var documents = await DocumentsAsync(batch, cancellationToken);
        var result = documents.Count == 0
            ? IndexWriteResult.AllWritten(0)
            : await index.WriteJournalAsync(documents, batch[0].Position, batch[^1].Position, cancellationToken);
        index.MarkWritten(batch[^1].Position);
        if (result.Rejected.Count > 0)
        {
            // Thrown after the rest is written: the journal consumer retries the entry alone and then dead-letters it with this reason.
            throw new DocumentsRejectedException(result.Rejected);
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index is behind the journal: replaying positions {From} to {To}")]
    private static partial void LogCatchingUp(ILogger logger, long from, long to);
}

/// <summary>The engine refused documents for good (mapping or validation); the message carries its reasons.</summary>
internal sealed class DocumentsRejectedException(IReadOnlyList<RejectedDocument> rejected)
    : Exception("The search engine rejected: " + string.Join("; ", rejected.Take(5).Select(r => $"{r.Id}: {r.Reason}")))
{
    public IReadOnlyList<RejectedDocument> Rejected { get; } = rejected;
}

/// <summary>The journal consumer that keeps the index up to date; its lag shows in <c>/api/v1/journal/stats</c>.</summary>
internal sealed class SearchJournalHandler(SearchIndexer indexer) : IJournalHandler
{
    public const string ConsumerName = "search-index";

    public string Name => ConsumerName;

    public Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken) =>
        indexer.IndexAsync(batch, cancellationToken);
}
