using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Campaigns.Segments.Watch;
using Scrm.Customers.Directory;
using Scrm.Platform.Security;

namespace Scrm.Campaigns.Segments.Index;

/// <summary>
/// Fills the <see cref="FactIndex"/> from the customer change feed at start and keeps it current:
/// every customer whose facts changed (profile, owner, tags, identities, consent, orders, value) is
/// put in again. <see cref="Ready"/> completes when the first full read has caught up.
/// </summary>
internal sealed partial class FactIndexFeed(
    FactIndex index, CustomerFactSheets facts, SegmentWatch watch, IEnumerable<ITeamDirectory> teams, IOptions<CampaignsOptions> options, TimeProvider time,
    ILogger<FactIndexFeed> log) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CustomerChangeMark _mark = CustomerChangeMark.Start;

    public Task Ready => _ready.Task;

    /// <summary>Reads every change up to now less the settle time; returns how many customers were put in.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var total = 0;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ReadAllAsync();
        }
        finally
        {
            _gate.Release();
        }

        async Task<int> ReadAllAsync()
        {
        while (true)
        {
            var through = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)o.IndexSettleTime.TotalMilliseconds;
            var batch = await facts.ReadAsync(_mark, through, o.IndexBatchSize, cancellationToken);
            foreach (var sheet in batch)
            {
                index.Upsert(sheet);
            }

            total += batch.Count;
            if (batch.Count > 0)
            {
                _mark = batch[^1].Mark;
            }

            if (batch.Count < o.IndexBatchSize)
            {
                return total;
            }
        }
        }
    }

    /// <summary>
    /// Reads the changes up to now, then lets the segment watch tell who entered or left a saved
    /// segment; when it returns, the events of every change made before the call have been delivered.
    /// </summary>
    public async Task<(int Entered, int Left)> CatchUpAndWatchAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        return await watch.PassAsync(SegmentMembers.ContextOf(teams, time), force: false, cancellationToken);
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = time.GetTimestamp();
                var read = await CatchUpAsync(stoppingToken);
                if (_ready.TrySetResult())
                {
                    var ms = (long)time.GetElapsedTime(started).TotalMilliseconds;
                    LogLoaded(log, index.Count, ms);
                }
                else if (read > 0)
                {
                    LogUpdated(log, read);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFailed(log, e);
            }

            try
            {
                await watch.PassAsync(SegmentMembers.ContextOf(teams, time), force: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogWatchFailed(log, e);
            }

            try
            {
                await Task.Delay(options.Value.IndexPollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Segment index loaded: {Customers} customers in {Ms} ms")]
    private static partial void LogLoaded(ILogger logger, int customers, long ms);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Segment index: {Count} customers changed")]
    private static partial void LogUpdated(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Saved segments' entries and exits could not be worked out or delivered; retrying")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Segment index could not read customer changes; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
