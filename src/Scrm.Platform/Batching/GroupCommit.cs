using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Scrm.Platform.Batching;

/// <summary>
/// Group commit for any write path: callers submit one request each and wait; a single loop takes
/// everything waiting (up to <see cref="GroupCommitOptions{TRequest}.MaxBatch"/> weight), handles
/// it in one transaction and answers every caller only after the commit. One commit, one lock, one
/// disk sync per batch instead of per request, and no write-write contention between concurrent
/// callers. A failing batch is retried request by request, so one bad request fails alone.
/// </summary>
/// <remarks>
/// The queue is lock-free (many callers enqueue at once; a lock there was a measured hot spot in
/// the workflow engine) and the loop is woken at most once per batch. Stopping refuses new
/// requests, commits everything already queued, then ends the loop.
/// </remarks>
public sealed partial class GroupCommit<TRequest, TResult> : IAsyncDisposable
{
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> _handle;
    private readonly GroupCommitOptions<TRequest> _options;
    private readonly ILogger _log;
    private readonly Lazy<Task> _loop;
    private TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _awake;
    private int _queued;
    private int _roomWanted;
    private long _commits;
    private volatile bool _stopped;
    private volatile bool _finished;

    /// <param name="handle">Handles a batch in one transaction; returns one result per request, in order.</param>
    public GroupCommit(Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> handle, int maxBatch, ILogger log)
        : this(handle, new GroupCommitOptions<TRequest> { MaxBatch = maxBatch }, log)
    {
    }

    /// <param name="handle">Handles a batch in one transaction; returns one result per request, in order.</param>
    public GroupCommit(Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> handle, GroupCommitOptions<TRequest> options, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity ?? 1, 1);
        _handle = handle;
        _options = options;
        _log = log;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    /// <summary>Whether the loop has started and not yet ended.</summary>
    public bool IsRunning => _loop.IsValueCreated && !_loop.Value.IsCompleted;

    /// <summary>Batches committed since start; requests per commit is the group-commit factor.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Starts the loop now rather than at the first request.</summary>
    public void Start() => _ = _loop.Value;

    /// <summary>
    /// Queues <paramref name="request"/> and completes once its batch committed (or it failed alone).
    /// Cancelling stops the wait, not the commit: a request taken by the loop still commits.
    /// </summary>
    public Task<TResult> SubmitAsync(TRequest request, CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            throw StoppedError();
        }

        if (_options.Capacity is { } capacity && !TryTakeRoom(capacity))
        {
            return SubmitWhenRoomAsync(request, capacity, cancellationToken);
        }

        return Enqueue(request).WaitAsync(cancellationToken);
    }

    /// <summary>Stops taking requests, commits the ones already queued, then returns.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        // Callers held back for room hear that nothing more is taken.
        Interlocked.Exchange(ref _room, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        _wake.Release();
        // Started if it never was, so one loop decides what was queued before the stop and what raced with it.
        Start();
        await _loop.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Stops as <see cref="StopAsync"/> does, waiting at most 30 s for the queue to drain.</summary>
    public async ValueTask DisposeAsync() =>
        await StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private Task<TResult> Enqueue(TRequest request)
    {
        Start();
        var pending = new Pending(request);
        _queue.Enqueue(pending);
        // Only the first request after the loop took its batch wakes it.
        if (Interlocked.Exchange(ref _awake, 1) == 0)
        {
            _wake.Release();
        }

        if (_finished)
        {
            // Raced with the loop's exit: nothing will take it.
            FailQueued();
        }

        return pending.Completion.Task;
    }

    private bool TryTakeRoom(int capacity)
    {
        var queued = Volatile.Read(ref _queued);
        while (queued < capacity)
        {
            var seen = Interlocked.CompareExchange(ref _queued, queued + 1, queued);
            if (seen == queued)
            {
                return true;
            }

            queued = seen;
        }

        return false;
    }

    private async Task<TResult> SubmitWhenRoomAsync(TRequest request, int capacity, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Asked for before looking again, so the loop's next take either makes room we see or completes this wait.
            Interlocked.Exchange(ref _roomWanted, 1);
            var room = Volatile.Read(ref _room).Task;
            if (_stopped)
            {
                throw StoppedError();
            }

            if (TryTakeRoom(capacity))
            {
                break;
            }

            await room.WaitAsync(cancellationToken);
        }

        return await Enqueue(request).WaitAsync(cancellationToken);
    }

    private void MadeRoom(int taken)
    {
        Interlocked.Add(ref _queued, -taken);
        if (Interlocked.Exchange(ref _roomWanted, 0) == 1)
        {
            Interlocked.Exchange(ref _room, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (true)
        {
            if (_queue.IsEmpty)
            {
                if (_stopped)
                {
                    _finished = true;
                    FailQueued();
                    return;
                }

                await _wake.WaitAsync();
                // Cleared before draining, so a request queued after the drain always wakes the loop again.
                Volatile.Write(ref _awake, 0);
            }

            batch.Clear();
            var weight = 0;
            while (weight < _options.MaxBatch && _queue.TryDequeue(out var pending))
            {
                batch.Add(pending);
                weight += _options.Weight is { } weigh ? weigh(pending.Request) : 1;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            if (_options.Capacity is not null)
            {
                MadeRoom(batch.Count);
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception ex)
            {
                // Not the handler's failure (that is answered per request): keep the loop, fail who has not heard back.
                LogLoopFailed(_log, ex, _options.Name);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        IReadOnlyList<TResult> results;
        try
        {
            results = await _handle([.. batch.Select(p => p.Request)], CancellationToken.None);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            LogBatchFailed(_log, ex, batch.Count, _options.Name);
            await CommitOneByOneAsync(batch);
            return;
        }
        catch (Exception ex)
        {
            batch[0].Completion.TrySetException(ex);
            return;
        }

        Committed();
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]);
        }
    }

    private async Task CommitOneByOneAsync(List<Pending> batch)
    {
        foreach (var pending in batch)
        {
            IReadOnlyList<TResult> result;
            try
            {
                result = await _handle([pending.Request], CancellationToken.None);
            }
            catch (Exception ex)
            {
                pending.Completion.TrySetException(ex);
                continue;
            }

            Committed();
            pending.Completion.TrySetResult(result[0]);
        }
    }

    private void Committed()
    {
        Interlocked.Increment(ref _commits);
        _options.Committed?.Invoke();
    }

    private void FailQueued()
    {
        while (_queue.TryDequeue(out var pending))
        {
            pending.Completion.TrySetException(StoppedError());
        }
    }

    private Exception StoppedError() =>
        _options.Stopped?.Invoke() ?? new ObjectDisposedException(GetType().Name, $"The group commit of {_options.Name} is stopped.");

    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A group commit of {Count} {Name} failed; retrying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "The group commit of {Name} failed outside a transaction")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string name);
}
