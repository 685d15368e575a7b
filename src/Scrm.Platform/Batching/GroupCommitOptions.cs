namespace Scrm.Platform.Batching;

/// <summary>How a <see cref="GroupCommit{TRequest, TResult}"/> batches, holds callers back, signals and stops.</summary>
public sealed record GroupCommitOptions<TRequest>
{
    /// <summary>Most weight one batch takes; the first request of a batch always goes, however heavy.</summary>
    public int MaxBatch { get; init; } = 500;

    /// <summary>A request's share of <see cref="MaxBatch"/> (the items of an append); one each when not set.</summary>
    public Func<TRequest, int>? Weight { get; init; }

    /// <summary>
    /// Requests that may wait for the loop before a caller is held back until the loop takes some;
    /// unbounded when not set.
    /// </summary>
    public int? Capacity { get; init; }

    /// <summary>Runs after each committed batch, before its callers hear back (crash points, waking readers).</summary>
    public Action? Committed { get; init; }

    /// <summary>What a request submitted after stop fails with.</summary>
    public Func<Exception>? Stopped { get; init; }

    /// <summary>What the log calls the requests ("journal appends").</summary>
    public string Name { get; init; } = "requests";
}
