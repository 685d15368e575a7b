using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Storage;

/// <summary>
/// Everything one burst writes, in one transaction with the bursts committed beside it. A
/// <see cref="NoOp"/> run writes its counts and its run key only (<see cref="Runtime.NoOpRun"/>).
/// <see cref="StoredState"/> and <see cref="StoredLog"/> are JSON text or compressed bytes (<see cref="StoredJson"/>).
/// </summary>
internal sealed record InstanceCommit(
    InstanceState State,
    long ExpectedVersion,
    object StoredState,
    object? StoredLog,
    string? SingletonKey,
    IReadOnlyList<BookmarkState> AddedBookmarks,
    IReadOnlyList<string> RemovedBookmarks,
    IReadOnlyDictionary<string, ActivityCounts> Counts,
    IReadOnlyList<OutboxStimulus> Outbox,
    bool NoOp = false);

internal enum CommitOutcome
{
    Committed,
    /// <summary>Another writer got there first: a newer version, the same new id, or a running instance with the same singleton key.</summary>
    Conflict,
}

internal sealed record CommitResult(CommitOutcome Outcome, long RowVersion, IReadOnlyList<long> OutboxIds)
{
    public static CommitResult Conflicted { get; } = new(CommitOutcome.Conflict, 0, []);
}
