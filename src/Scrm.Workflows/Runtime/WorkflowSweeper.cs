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
/// </summary>
internal sealed partial class WorkflowSweeper(
    WorkflowRuntime runtime,
    InstanceStore store,
    IWorkflowTimers timers,
    TimeProvider time,
    IOptions<WorkflowsOptions> options,
    ILogger<WorkflowSweeper> log) : BackgroundService
{
    private static readonly TimeSpan StallAge = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var (id, instanceId, dueAt) in await store.TimersAsync(stoppingToken))
            {
                await timers.ScheduleAsync(instanceId, new BookmarkState(id, Activities.TimerStimulus.Name, id, "", "", "", 0, null, dueAt, 0), stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(log, ex);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
