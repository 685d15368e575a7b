namespace Scrm.Ingestion.Journal;

/// <summary>Wakes consumers as soon as a commit lands, instead of waiting for their next poll.</summary>
internal sealed class JournalSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next commit after this call.</summary>
    public Task NextCommit => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
