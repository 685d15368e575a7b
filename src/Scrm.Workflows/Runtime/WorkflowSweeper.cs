using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Runtime;

/// <summary>
/// The engine's safety net: at start it makes sure every timer bookmark has its scheduled job;
/// then, every sweep interval, it retries kept early events and undelivered outbox entries,
/// continues instances left running by a burst that never committed its end (a crash), and resumes
/// timer bookmarks well past due (their job fired while another replica held the instance, or was lost).
/// When this process takes a consumer over from a replica that died it repairs timers again at
/// once: the dead replica may have committed bookmarks it never scheduled.
/// </summary>
internal sealed partial class WorkflowSweeper(
    WorkflowRuntime runtime,
    InstanceStore store,
    IWorkflowTimers timers,
    Scrm.Ingestion.Consumers.LeaseTakeovers takeovers,
    TimeProvider time,
    IOptions<WorkflowsOptions> options,
    ILogger<WorkflowSweeper> log) : BackgroundService
{
    private static readonly TimeSpan StallAge = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var repair = true;
        var takeoversSeen = takeovers.Count;
        var repairedAt = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (repair || takeovers.Count != takeoversSeen || time.GetUtcNow() - repairedAt > options.Value.TimerRepairInterval)
                {
                    takeoversSeen = takeovers.Count;
                    repairedAt = time.GetUtcNow();
                    var repaired = await timers.RepairAsync(await store.TimersAsync(stoppingToken), stoppingToken);
                    repair = false;
                    if (repaired > 0)
                    {
                        LogTimersRepaired(log, repaired);
                    }
                }

                await Task.Delay(options.Value.SweepInterval, time, stoppingToken);
                await runtime.RetryKeptAsync(null, stoppingToken);
                var stalledBefore = time.GetUtcNow().Add(-StallAge).ToUnixTimeMilliseconds();
                foreach (var id in await store.StalledAsync(stalledBefore, 100, stoppingToken))
                {
                    await runtime.ContinueAsync(id, stoppingToken);
                }

                foreach (var (bookmarkId, instanceId) in await store.OverdueTimersAsync(stalledBefore, 100, stoppingToken))
                {
                    // Busy (still leased) or already resumed: the next sweep looks again, or finds nothing.
                    await runtime.ResumeAsync(instanceId, bookmarkId,
                        new JsonObject { ["firedAt"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), ["late"] = true }, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepFailed(log, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled {Count} workflow timer(s) whose trigger was missing (a replica died between a commit and its scheduling)")]
    private static partial void LogTimersRepaired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
