using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Runtime;

/// <summary>Durable timers: due bookmarks and cron triggers, kept by the scheduler across restarts.</summary>
internal interface IWorkflowTimers
{
    Task ScheduleAsync(string instanceId, BookmarkState bookmark, CancellationToken cancellationToken);

    /// <summary>Replaces the definition's cron schedules with those of this (newly published) version.</summary>
    Task ScheduleCronAsync(WorkflowDefinition definition, CancellationToken cancellationToken);
}
