using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scrm.Search.Lucene;

/// <summary>Reopens the near-real-time searcher on a short cadence and commits on a longer one and at shutdown.</summary>
internal sealed partial class LuceneMaintenance(
    LuceneSearchIndex index,
    IOptions<LuceneOptions> options,
    TimeProvider time,
    ILogger<LuceneMaintenance> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var refresh = options.Value.RefreshInterval;
        var commitEvery = options.Value.CommitInterval;
        var lastCommit = time.GetTimestamp();
        using var timer = new PeriodicTimer(refresh, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    index.Refresh();
                    if (time.GetElapsedTime(lastCommit) >= commitEvery)
                    {
                        index.Commit();
                        lastCommit = time.GetTimestamp();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(log, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        index.Commit();
        LogCommitted(log, index.CommittedPosition);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index refresh or commit failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index committed at journal position {Position} on shutdown")]
    private static partial void LogCommitted(ILogger logger, long position);
}
