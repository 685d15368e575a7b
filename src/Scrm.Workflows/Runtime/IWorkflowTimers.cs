using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Runtime;

/// <summary>Durable timers: due bookmarks and cron triggers, kept by the scheduler across restarts.</summary>
internal interface IWorkflowTimers
{
    Task ScheduleAsync(string instanceId, BookmarkState bookmark, CancellationToken cancellationToken);

    /// <summary>Schedules those of <paramref name="timers"/> that have no trigger (lost between a commit and its scheduling); returns how many.</summary>
    Task<int> RepairAsync(IReadOnlyList<(string Id, string InstanceId, long DueAt)> timers, CancellationToken cancellationToken);

    /// <summary>Replaces the definition's cron schedules with those of this (newly published) version.</summary>
    Task ScheduleCronAsync(WorkflowDefinition definition, CancellationToken cancellationToken);
}
