using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Search.Indexing;

namespace Scrm.Search.Feeds;

/// <summary>Reads every feed on a short cadence and writes what changed, then records the feed's mark with the index.</summary>
internal sealed partial class FeedIndexer(
    IEnumerable<ISearchFeed> feeds,
    IIndexBackend index,
    SearchIndexer indexer,
    IOptions<SearchOptions> options,
    TimeProvider time,
    ILogger<FeedIndexer> log) : BackgroundService
{
    private readonly ISearchFeed[] _feeds = [.. feeds];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_feeds.Length == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.FeedInterval, time);
        try
        {
            do
            {
                foreach (var feed in _feeds)
                {
                    try
                    {
                        await CatchUpAsync(feed, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogFailed(log, ex, feed.Name);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes everything the feed has after its mark.</summary>
    public async Task CatchUpAsync(ISearchFeed feed, CancellationToken cancellationToken)
    {
        var mark = await index.ReadMarkAsync(feed.Name, cancellationToken);
        while (await feed.ReadAsync(mark, cancellationToken) is { Mark: { } next } batch)
        {
            var result = await indexer.WriteFeedAsync(batch, cancellationToken);
            foreach (var rejected in result.Rejected)
            {
                LogRejected(log, feed.Name, rejected.Id, rejected.Reason);
            }

            await index.SaveMarkAsync(feed.Name, next, cancellationToken);
            mark = next;
            if (!batch.More)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search feed {Feed} failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception, string feed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search feed {Feed}: document {Id} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string feed, string id, string reason);
}
