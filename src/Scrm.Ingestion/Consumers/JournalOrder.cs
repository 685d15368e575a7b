using System.Collections.Concurrent;

namespace Scrm.Ingestion.Consumers;

/// <summary>
/// <paramref name="Consumer"/> is handed a journal item only once <paramref name="After"/> has
/// committed it and moved its checkpoint past it. Ordering between modules is this, not a timed
/// wait: the workflows see a lead only after identity resolution has stored its customer, however
/// far behind resolution runs and whichever replica runs it. An order whose <paramref name="After"/>
/// is not a consumer of this host is ignored.
/// </summary>
internal sealed record JournalOrder(string Consumer, string After);

/// <summary>A consumer handler type registered in this host (the names of the consumers that exist).</summary>
internal sealed record JournalConsumerType(Type Handler);

/// <summary>
/// The checkpoints this process's consumers have saved, and a signal at each: a consumer ordered
/// after another wakes as soon as that one passes new items, instead of at its next poll.
/// </summary>
internal sealed class JournalProgress
{
    private readonly ConcurrentDictionary<string, long> _passed = new(StringComparer.Ordinal);
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes when any consumer of this process next saves its checkpoint.</summary>
    public Task NextPass => Volatile.Read(ref _next).Task;

    /// <summary>The last checkpoint this process saved for <paramref name="consumer"/>; the stored one is never behind it.</summary>
    public long? Of(string consumer) => _passed.TryGetValue(consumer, out var position) ? position : null;

    public void Passed(string consumer, long position)
    {
        _passed.AddOrUpdate(consumer, position, (_, was) => Math.Max(was, position));
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
