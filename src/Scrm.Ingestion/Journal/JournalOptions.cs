using System.ComponentModel.DataAnnotations;

namespace Scrm.Ingestion.Journal;

/// <summary><c>Scrm:Journal</c>: group commit and consumer tuning.</summary>
public sealed class JournalOptions
{
    public const string Section = "Scrm:Journal";

    /// <summary>Most items one group commit takes; a single append larger than this still commits whole.</summary>
    [Range(1, 100_000)]
    public int MaxBatchItems { get; set; } = 2_000;

    /// <summary>Appends that may wait for the writer before callers are held back.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    [Range(1, 10_000)]
    public int ConsumerBatchSize { get; set; } = 500;

    /// <summary>How often a consumer looks for work when nothing woke it (other replicas append too).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ConsumerPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a consumer's lease lasts without a heartbeat (renewed every third of it while the
    /// holder lives): after a replica dies, another takes over its consumers within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConsumerLease { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Names this process as a consumer lease holder. A restarted process with the same name takes
    /// its leases back at once; replicas sharing a database need distinct names (the default is the host name).
    /// </summary>
    public string InstanceId { get; set; } = Environment.MachineName;

    /// <summary>
    /// Runs the journal consumers (indexing, resolution, workflows) in this process. Off for an
    /// ingest-only replica, or to let a backlog build up during maintenance; nothing is lost, the
    /// consumers resume from their checkpoints.
    /// </summary>
    public bool RunConsumers { get; set; } = true;

    /// <summary>
    /// SQLite only: <c>Full</c> (default) syncs every group commit, so an acknowledged item survives
    /// power loss; <c>Normal</c> survives a killed process and syncs at checkpoints.
    /// </summary>
    public Scrm.Platform.Storage.SqliteSynchronous SqliteSynchronous { get; set; } = Scrm.Platform.Storage.SqliteSynchronous.Full;

    /// <summary>When entries every consumer has passed lose their payloads and, later, their rows.</summary>
    public JournalRetentionOptions Retention { get; set; } = new();

    /// <summary>Failures of one entry before a consumer dead-letters it and moves on.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;
}
