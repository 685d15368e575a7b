using System.ComponentModel.DataAnnotations;
using Scrm.Workflows.Expressions;

namespace Scrm.Workflows;

/// <summary>The engine's limits and timings (<c>Scrm:Workflows</c>).</summary>
internal sealed class WorkflowsOptions
{
    public const string Section = "Scrm:Workflows";

    /// <summary>Largest definition accepted, in bytes of JSON.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxDefinitionBytes { get; set; } = 1024 * 1024;

    /// <summary>Most triggers plus activities in one definition.</summary>
    [Range(1, 100_000)]
    public int MaxActivities { get; set; } = 1_000;

    /// <summary>Activities one burst runs before it commits and continues (a long loop still makes progress durable).</summary>
    [Range(1, 1_000_000)]
    public int MaxActivitiesPerBurst { get; set; } = 1_000;

    /// <summary>How long an event that resumed nothing is kept for a bookmark that may still appear.</summary>
    public TimeSpan EarlyEventWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often kept events and interrupted instances are retried.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often every timer bookmark is checked for its trigger even when no replica is seen to die
    /// (a backstop; a takeover or a crashed burst triggers the check at once).
    /// </summary>
    public TimeSpan TimerRepairInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a replica holds an instance it is running (PostgreSQL); a crashed holder's lease lapses.</summary>
    public TimeSpan InstanceLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most commits written in one transaction by the group-commit writer.</summary>
    [Range(1, 10_000)]
    public int MaxCommitBatch { get; set; } = 512;

    /// <summary>
    /// Journal batches whose instances run at once. An instance spends most of its burst waiting
    /// (for resolution, a group commit, a timer store); with one batch at a time each of those waits
    /// runs alone, with several they overlap. Items of one batch already run concurrently; with more
    /// in flight, items of neighbouring batches do too. The checkpoint passes a batch only when
    /// every earlier one is done.
    /// </summary>
    [Range(1, 16)]
    public int JournalBatchesInFlight { get; set; } = 3;

    /// <summary>
    /// Journal items in the first batch after a start, a takeover or a failure; each full batch that
    /// passes doubles it, up to <c>Scrm:Journal:ConsumerBatchSize</c> (500). A lead's burst routes,
    /// notifies and schedules timers, so a whole batch of 500 takes seconds under load: starting at 25,
    /// a replica that takes over (or a restart) moves its first checkpoint soon (after a takeover on a
    /// loaded two-core machine the first batch of 100 took 8 s, of 50 up to 10 s), while a backlog is
    /// read in large batches, whose reads and commits are shared by many items.
    /// </summary>
    [Range(1, 10_000)]
    public int JournalBatchSize { get; set; } = 25;

    public ScriptOptions Scripts { get; set; } = new();

    /// <summary>How long ended runs are kept (<c>Scrm:Workflows:History</c>).</summary>
    public History.HistoryOptions History { get; set; } = new();
}
