using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Quartz;
using Scrm.Platform.Batching;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Timers;

/// <summary>
/// Workflow timers as Quartz triggers in the persistent job store: one trigger per due bookmark
/// (named by the bookmark id, so scheduling twice is harmless) and one cron trigger per cron node
/// of each published definition. Bookmark triggers from concurrent bursts are stored together, in
/// one job-store transaction per batch: the store's lock is taken once, not once per bookmark.
/// </summary>
internal sealed partial class QuartzTimers : IWorkflowTimers, IAsyncDisposable
{
    public static readonly JobKey TimerJob = new("workflow-timer", "workflows");
    public static readonly JobKey CronJob = new("workflow-cron", "workflows");
    private const string TimerGroup = "workflow-timers";

    private readonly ISchedulerFactory _schedulers;
    private readonly ILogger<QuartzTimers> _log;
    private readonly GroupCommit<(string InstanceId, BookmarkState Bookmark), bool> _triggers;
    private IJobDetail? _timerJob;

    public QuartzTimers(ISchedulerFactory schedulers, ILogger<QuartzTimers> log)
    {
        _schedulers = schedulers;
        _log = log;
        _triggers = new GroupCommit<(string, BookmarkState), bool>(StoreAsync, 500, log);
    }

    public Task ScheduleAsync(string instanceId, BookmarkState bookmark, CancellationToken cancellationToken) =>
        _triggers.SubmitAsync((instanceId, bookmark), cancellationToken);

    public ValueTask DisposeAsync() => _triggers.DisposeAsync();

    public async Task<int> RepairAsync(IReadOnlyList<(string Id, string InstanceId, long DueAt)> timers, CancellationToken cancellationToken)
    {
        if (timers.Count == 0)
        {
            return 0;
        }

        // The bookmarks were read first: a trigger that fires meanwhile is scheduled again, and its
        // second resume finds the bookmark gone and does nothing.
        var scheduler = await _schedulers.GetScheduler(cancellationToken);
        var scheduled = (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(TimerGroup), cancellationToken))
            .Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
        var missing = timers.Where(t => !scheduled.Contains(t.Id)).ToList();
        await Task.WhenAll(missing.Select(t => ScheduleAsync(t.InstanceId, Bookmark(t.Id, t.DueAt), cancellationToken)));
        return missing.Count;
    }

    private static BookmarkState Bookmark(string id, long dueAt) => new(id, TimerStimulus.Name, id, "", "", "", 0, null, dueAt, 0);

    private async Task<IReadOnlyList<bool>> StoreAsync(IReadOnlyList<(string InstanceId, BookmarkState Bookmark)> timers, CancellationToken cancellationToken)
    {
        var scheduler = await _schedulers.GetScheduler(cancellationToken);
        _timerJob ??= await scheduler.GetJobDetail(TimerJob, cancellationToken)
            ?? throw new InvalidOperationException("The workflow timer job is not registered.");
        var triggers = timers
            .DistinctBy(t => t.Bookmark.Id, StringComparer.Ordinal)
            .Select(t => (ITrigger)TriggerBuilder.Create()
                .WithIdentity(t.Bookmark.Id, TimerGroup)
                .ForJob(TimerJob)
                .UsingJobData(WorkflowTimerJob.InstanceId, t.InstanceId)
                .UsingJobData(WorkflowTimerJob.BookmarkId, t.Bookmark.Id)
                .StartAt(DateTimeOffset.FromUnixTimeMilliseconds(t.Bookmark.DueAt!.Value))
                // A late timer fires as soon as it can, still as its due time. Not FireNow: Quartz's FireNow
                // reads the system clock while its job store judges misfires on the host's TimeProvider, so
                // under any other clock it re-applies the misfire forever while holding the store's lock, and
                // every later scheduling (the commit after each burst, the sweeper's) waits on it for good.
                .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.IgnoreMisfires))
                .Build())
            .ToList();

        // Replacing is what makes a batch idempotent: a bookmark scheduled again (the startup
        // sweep) gets the same trigger; a resume that finds its bookmark gone does nothing.
        await scheduler.ScheduleJobs(new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> { [_timerJob] = triggers }, ScheduleJobOptions.Replacing, cancellationToken);
        return [.. timers.Select(_ => true)];
    }

    public async Task ScheduleCronAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var scheduler = await _schedulers.GetScheduler(cancellationToken);
        var group = "workflow-cron:" + definition.Id;
        await scheduler.UnscheduleJobs(GroupMatcher<TriggerKey>.GroupEquals(group), cancellationToken);
        foreach (var node in definition.Triggers.Where(t => t.Type == "trigger.cron"))
        {
            if (node.Inputs.GetValueOrDefault("cron")?.Literal?.ToString() is not { } cron)
            {
                continue;
            }

            var trigger = TriggerBuilder.Create()
                .WithIdentity(node.Id, group)
                .ForJob(CronJob)
                .UsingJobData(WorkflowCronJob.DefinitionId, definition.Id)
                .UsingJobData(WorkflowCronJob.ActivityId, node.Id)
                .WithCronSchedule(cron, c => c.WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                .Build();
            await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
            LogCron(_log, definition.Id, node.Id, cron);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {Definition} trigger {Activity} scheduled on cron '{Cron}'")]
    private static partial void LogCron(ILogger logger, string definition, string activity, string cron);
}

/// <summary>Resumes a due timer bookmark. Thin: the runtime does the work.</summary>
internal sealed class WorkflowTimerJob(WorkflowRuntime runtime) : IJob
{
    public const string InstanceId = "instanceId";
    public const string BookmarkId = "bookmarkId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        await runtime.ResumeAsync(data.GetString(InstanceId)!, data.GetString(BookmarkId)!,
            new JsonObject { ["firedAt"] = context.FireTimeUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken);
    }
}

/// <summary>Starts an instance of a published definition at its cron trigger.</summary>
internal sealed class WorkflowCronJob(WorkflowRuntime runtime) : IJob
{
    public const string DefinitionId = "definitionId";
    public const string ActivityId = "activityId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var definition = data.GetString(DefinitionId)!;
        var activity = data.GetString(ActivityId)!;
        var firedAt = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        await runtime.RunAsync(definition, new JsonObject { ["firedAt"] = firedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, new RunOptions
        {
            TriggerActivityId = activity,
            // One instance per scheduled fire time, even if a misfire is recovered twice.
            InstanceId = InstanceIds.Derive($"{definition}\n{activity}\n{firedAt.ToUnixTimeMilliseconds()}"),
        }, cancellationToken);
    }
}
