namespace Scrm.Workflows.History;

/// <summary>
/// How long the engine keeps ended runs (<c>Scrm:Workflows:History</c>). A definition's
/// <c>options.history</c> overrides the three periods for its own instances.
/// </summary>
internal sealed class HistoryOptions
{
    /// <summary>Deletes nothing when off (history grows without bound).</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan Finished { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan Cancelled { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Longer: a faulted run is what someone comes back to look at.</summary>
    public TimeSpan Faulted { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a run that did nothing still answers a redelivered start as a duplicate. The journal
    /// hands a batch over again within moments of a crash or a failed batch; a day is ample.
    /// </summary>
    public TimeSpan NoOpRunKeys { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// On SQLite, write execution logs and the state of ended instances Brotli-compressed (a quarter
    /// to a half of the JSON). Off: plain JSON text, as rows written before are. PostgreSQL compresses
    /// them itself.
    /// </summary>
    public bool Compress { get; set; } = true;

    /// <summary>How often the sweep looks for history past its time.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Instances deleted per transaction: small, so a commit never waits long behind one.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Pause between two batches, leaving the database to the commits in between.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(20);
}
