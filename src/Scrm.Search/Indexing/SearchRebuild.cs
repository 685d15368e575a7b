using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Ingestion.Journal;

namespace Scrm.Search.Indexing;

/// <summary>Progress of a rebuild, as <c>GET /api/v1/search/rebuild</c> shows it.</summary>
/// <param name="State"><c>idle</c>, <c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Position">Journal position read so far.</param>
/// <param name="Through">Journal position the rebuild reads up to (the last one when it started).</param>
internal sealed record RebuildStatus(
    string State,
    long Position,
    long Through,
    long Documents,
    long Rejected,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    public static readonly RebuildStatus Idle = new("idle", 0, 0, 0, 0, null, null, null);

    public bool IsRunning => State == "running";
}

/// <summary>
/// Re-reads the whole journal into the index while searches go on: Lucene rewrites in place,
/// Elasticsearch fills a new index and then moves the alias. What arrived meanwhile is replayed at the end.
/// </summary>
internal sealed partial class SearchRebuild(
    IIndexBackend index,
    SearchIndexer indexer,
    IEnumerable<Feeds.ISearchFeed> feeds,
    JournalReader journal,
    IOptions<SearchOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SearchRebuild> log)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private readonly System.Threading.Lock _lock = new();
    private RebuildStatus _status = RebuildStatus.Idle;

    public RebuildStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Starts a rebuild unless one is running; returns the status either way.</summary>
    public async Task<(bool Started, RebuildStatus Status)> StartAsync(CancellationToken cancellationToken)
    {
        var through = await journal.LastPositionAsync(cancellationToken);
        lock (_lock)
        {
            if (_status.IsRunning)
            {
                return (false, _status);
            }

            _status = new RebuildStatus("running", 0, through, 0, 0, time.GetUtcNow(), null, null);
        }

        LogStarted(log, through);
        _ = Task.Run(() => RunAsync(through, lifetime.ApplicationStopping), CancellationToken.None);
        return (true, Status);
    }

    private async Task RunAsync(long through, CancellationToken cancellationToken)
    {
        try
        {
            await indexer.ReserveAsync(through, cancellationToken);
            var target = await index.BeginRebuildAsync(cancellationToken);
            var lastLog = time.GetTimestamp();
            var position = 0L;
            while (position < through)
            {
                var batch = await journal.ReadAsync(position, options.Value.BatchSize, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                var documents = await indexer.DocumentsAsync(batch.Where(e => e.Position <= through), cancellationToken);
                var result = documents.Count == 0 ? IndexWriteResult.AllWritten(0) : await target.WriteAsync(documents, cancellationToken);
                foreach (var rejected in result.Rejected)
                {
                    LogRejected(log, rejected.Id, rejected.Reason);
                }

                position = batch[^1].Position;
                Update(s => s with { Position = Math.Min(position, through), Documents = s.Documents + result.Written, Rejected = s.Rejected + result.Rejected.Count });
                if (time.GetElapsedTime(lastLog) >= LogEvery)
                {
                    var s = Status;
                    LogProgress(log, s.Position, s.Through, s.Documents);
                    lastLog = time.GetTimestamp();
                }
            }

            var marks = new List<(Feeds.ISearchFeed Feed, string? Mark)>();
            foreach (var feed in feeds.Where(f => f.Complete))
            {
                marks.Add((feed, await index.ReadMarkAsync(feed.Name, cancellationToken)));
                await CopyAsync(feed, target, cancellationToken);
            }

            await target.CompleteAsync(cancellationToken);

            // Feeds go on from where they stood when the rebuild read them, so what changed meanwhile reaches the new index.
            foreach (var (feed, mark) in marks.Where(m => m.Mark is not null))
            {
                await index.SaveMarkAsync(feed.Name, mark!, cancellationToken);
            }

            // Items that arrived while the rebuild ran may have gone to the index the rebuild replaced.
            await indexer.ReplayRangeAsync(through, await journal.LastPositionAsync(cancellationToken), cancellationToken);

            Update(s => s with { State = "completed", FinishedAt = time.GetUtcNow() });
            var done = Status;
            LogCompleted(log, done.Documents, done.Rejected);
        }
        catch (Exception ex)
        {
            Update(s => s with { State = "failed", FinishedAt = time.GetUtcNow(), Error = ex.GetType().Name + ": " + ex.Message });
            LogFailed(log, ex);
        }
    }

    private async Task CopyAsync(Feeds.ISearchFeed feed, IRebuildTarget target, CancellationToken cancellationToken)
    {
        string? mark = null;
        while (await feed.ReadAsync(mark, cancellationToken) is { Mark: { } next } batch)
        {
            var result = batch.Upserts.Count == 0 ? IndexWriteResult.AllWritten(0) : await target.WriteAsync(batch.Upserts, cancellationToken);
            foreach (var rejected in result.Rejected)
            {
                LogRejected(log, rejected.Id, rejected.Reason);
            }

            Update(s => s with { Documents = s.Documents + result.Written, Rejected = s.Rejected + result.Rejected.Count });
            mark = next;
            if (!batch.More)
            {
                break;
            }
        }
    }

    private void Update(Func<RebuildStatus, RebuildStatus> change)
    {
        lock (_lock)
        {
            _status = change(_status);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search rebuild started: reading the journal through position {Through}")]
    private static partial void LogStarted(ILogger logger, long through);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search rebuild at journal position {Position} of {Through}: {Documents} document(s) written")]
    private static partial void LogProgress(ILogger logger, long position, long through, long documents);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search rebuild completed: {Documents} document(s) written, {Rejected} rejected")]
    private static partial void LogCompleted(ILogger logger, long documents, long rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search rebuild: document {Id} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Search rebuild failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
