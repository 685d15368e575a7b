using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scrm.Search.Indexing;

/// <summary>At start, replays what the index lost in a crash even if nothing new arrives.</summary>
internal sealed partial class SearchCatchUp(SearchIndexer indexer, ILogger<SearchCatchUp> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await indexer.CatchUpAsync(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The journal consumer fills the same gap before its next batch; this only retries the idle case.
                LogFailed(log, ex, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index catch-up failed (attempt {Attempt}); retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception, int attempt);
}
