using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Scrm.Platform.Batching;

/// <summary>
/// Group commit for any write path: callers submit one request each and wait; a single loop takes
/// everything waiting (up to <c>maxBatch</c>), handles it in one transaction and answers every
/// caller. One commit, one lock, one disk sync per batch instead of per request, and no write-write
/// contention between concurrent callers. A failing batch is retried request by request, so one bad
/// request fails alone.
/// </summary>
public sealed partial class GroupCommit<TRequest, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> _handle;
    private readonly int _maxBatch;
    private readonly ILogger _log;
    private readonly Lazy<Task> _loop;

    /// <param name="handle">Handles a batch in one transaction; returns one result per request, in order.</param>
    public GroupCommit(Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> handle, int maxBatch, ILogger log)
    {
        _handle = handle;
        _maxBatch = maxBatch;
        _log = log;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    public Task<TResult> SubmitAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommit<TRequest, TResult>), "The writer is shutting down.");
        }

        _ = _loop.Value;
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                var results = await _handle([.. batch.Select(p => p.Request)], CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }

                continue;
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                LogBatchFailed(_log, ex, batch.Count);
            }
            catch (Exception ex)
            {
                batch[0].Completion.TrySetException(ex);
                continue;
            }

            foreach (var pending in batch)
            {
                try
                {
                    pending.Completion.TrySetResult((await _handle([pending.Request], CancellationToken.None))[0]);
                }
                catch (Exception ex)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>Stops taking requests and finishes the ones already waiting.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            await _loop.Value;
        }
    }

    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group commit of {Count} requests failed; retrying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}
