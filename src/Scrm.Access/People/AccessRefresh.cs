using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Access.Keys;

namespace Scrm.Access.People;

/// <summary>
/// Re-reads the directory now and then (changes made on another replica), writes the keys'
/// last-used times (the request path only stores a number in memory) and finishes the handovers of
/// deactivated people.
/// </summary>
internal sealed partial class AccessRefresh(AccessDirectory directory, ApiKeys keys, Handovers handovers, IOptions<AccessOptions> options, TimeProvider time, ILogger<AccessRefresh> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var flushed = new Dictionary<string, long>(StringComparer.Ordinal);
        var lastFlush = time.GetTimestamp();
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (time.GetElapsedTime(lastFlush) >= options.Value.LastUsedFlushInterval)
                    {
                        await keys.FlushLastUsedAsync(flushed, stoppingToken);
                        lastFlush = time.GetTimestamp();
                    }

                    await directory.ReloadAsync(stoppingToken);
                    await handovers.FinishDueAsync(stoppingToken);
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

        // The last minute's uses are not lost at a graceful stop.
        await keys.FlushLastUsedAsync(flushed, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing people and keys failed; the previous snapshot stays in use")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
