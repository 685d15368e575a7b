using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Scrm.Platform.Batching;

namespace Scrm.Ingestion.Tests;

/// <summary>The one group-commit loop under the journal, the workflow engine and the modules' write paths.</summary>
public sealed class GroupCommitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>A handler that records each batch and can hold the loop inside its first batch.</summary>
    private sealed class Recorder
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public bool HoldFirst { get; init; }

        public ConcurrentQueue<int[]> Batches { get; } = new();

        public Task Entered => _entered.Task;

        public void Release() => _release.TrySetResult();

        public async Task<IReadOnlyList<int>> HandleAsync(IReadOnlyList<int> batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1 && HoldFirst)
            {
                _entered.TrySetResult();
                await _release.Task;
            }

            if (batch.Contains(-1))
            {
                throw new InvalidOperationException("poison in the batch");
            }

            Batches.Enqueue([.. batch]);
            return [.. batch.Select(r => r * 10)];
        }
    }

    private static GroupCommit<int, int> Loop(Recorder recorder, GroupCommitOptions<int> options) =>
        new(recorder.HandleAsync, options, NullLogger.Instance);

    [Fact]
    public async Task Concurrent_requests_share_batches_and_each_hears_its_own_result()
    {
        var recorder = new Recorder();
        await using var loop = Loop(recorder, new GroupCommitOptions<int> { MaxBatch = 100 });
        var results = await Task.WhenAll(Enumerable.Range(1, 2_000).Select(i => Task.Run(() => loop.SubmitAsync(i, CancellationToken.None))));

        results.ShouldBe(Enumerable.Range(1, 2_000).Select(i => i * 10));
        recorder.Batches.SelectMany(b => b).Order().ShouldBe(Enumerable.Range(1, 2_000));
        recorder.Batches.ShouldAllBe(b => b.Length <= 100);
        loop.Commits.ShouldBe(recorder.Batches.Count);
    }

    [Fact]
    public async Task Sequential_callers_on_many_threads_are_never_left_unwoken()
    {
        var recorder = new Recorder();
        await using var loop = Loop(recorder, new GroupCommitOptions<int> { MaxBatch = 8, Capacity = 4 });
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                (await loop.SubmitAsync(c * 1_000 + i, CancellationToken.None)).ShouldBe((c * 1_000 + i) * 10);
            }
        }));

        await Task.WhenAll(callers).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        recorder.Batches.Sum(b => b.Length).ShouldBe(8_000);
    }

    [Fact]
    public async Task A_batch_stops_at_its_weight_but_takes_a_heavier_request_whole_and_keeps_the_order()
    {
        var recorder = new Recorder { HoldFirst = true };
        await using var loop = Loop(recorder, new GroupCommitOptions<int> { MaxBatch = 10, Weight = r => r });
        var first = loop.SubmitAsync(1, CancellationToken.None);
        await recorder.Entered.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        var queued = new[] { 4, 4, 4, 20, 2, 3 }.Select(r => loop.SubmitAsync(r, CancellationToken.None)).ToArray();
        recorder.Release();
        await Task.WhenAll(queued.Append(first)).WaitAsync(Deadline, TestContext.Current.CancellationToken);

        recorder.Batches.Select(b => string.Join(",", b)).ShouldBe(["1", "4,4,4", "20", "2,3"]);
    }

    [Fact]
    public async Task A_full_queue_holds_callers_back_until_the_loop_takes_a_batch()
    {
        var recorder = new Recorder { HoldFirst = true };
        await using var loop = Loop(recorder, new GroupCommitOptions<int> { MaxBatch = 100, Capacity = 2 });
        var first = loop.SubmitAsync(1, CancellationToken.None);
        await recorder.Entered.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        var queued = new[] { loop.SubmitAsync(2, CancellationToken.None), loop.SubmitAsync(3, CancellationToken.None) };
        using var cancel = new CancellationTokenSource();
        var heldBack = loop.SubmitAsync(4, CancellationToken.None);
        var givenUp = loop.SubmitAsync(5, cancel.Token);
        await cancel.CancelAsync();
        await Should.ThrowAsync<TaskCanceledException>(() => givenUp);
        heldBack.IsCompleted.ShouldBeFalse();

        recorder.Release();
        await Task.WhenAll(queued.Append(first).Append(heldBack)).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        (await heldBack).ShouldBe(40);
        recorder.Batches.SelectMany(b => b).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public async Task A_failing_request_fails_alone_and_the_signal_follows_each_commit_before_its_callers_hear()
    {
        var recorder = new Recorder { HoldFirst = true };
        var answeredAtSignal = new List<int>();
        var callers = new List<Task<int>>();
        await using var loop = Loop(recorder, new GroupCommitOptions<int>
        {
            MaxBatch = 100,
            Committed = () => answeredAtSignal.Add(callers.Count(t => t.IsCompleted)),
        });
        callers.Add(loop.SubmitAsync(1, CancellationToken.None));
        await recorder.Entered.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        callers.AddRange([loop.SubmitAsync(2, CancellationToken.None), loop.SubmitAsync(-1, CancellationToken.None), loop.SubmitAsync(3, CancellationToken.None)]);
        recorder.Release();

        (await callers[0]).ShouldBe(10);
        (await callers[1]).ShouldBe(20);
        (await Should.ThrowAsync<InvalidOperationException>(() => callers[2])).Message.ShouldBe("poison in the batch");
        (await callers[3]).ShouldBe(30);
        recorder.Batches.Select(b => string.Join(",", b)).ShouldBe(["1", "2", "3"]);
        loop.Commits.ShouldBe(3);
        // One signal per commit (the first batch, then 2 and 3 one by one), each before its own callers heard back.
        answeredAtSignal.ShouldBe([0, 1, 3]);
    }

    [Fact]
    public async Task Stopping_commits_everything_queued_then_refuses_and_releases_held_back_callers()
    {
        var recorder = new Recorder { HoldFirst = true };
        var loop = Loop(recorder, new GroupCommitOptions<int>
        {
            MaxBatch = 7,
            Capacity = 300,
            Stopped = () => new TimeoutException("stopped"),
        });
        var first = loop.SubmitAsync(0, CancellationToken.None);
        await recorder.Entered.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        var queued = Enumerable.Range(1, 300).Select(i => loop.SubmitAsync(i, CancellationToken.None)).ToArray();
        var heldBack = loop.SubmitAsync(301, CancellationToken.None);
        var stopping = loop.StopAsync(CancellationToken.None);
        await Should.ThrowAsync<TimeoutException>(() => heldBack);
        recorder.Release();
        await stopping.WaitAsync(Deadline, TestContext.Current.CancellationToken);

        (await Task.WhenAll(queued)).ShouldBe(Enumerable.Range(1, 300).Select(i => i * 10));
        Should.Throw<TimeoutException>(() => { _ = loop.SubmitAsync(302, CancellationToken.None); });
        loop.IsRunning.ShouldBeFalse();
        recorder.Batches.SelectMany(b => b).ShouldBe(Enumerable.Range(0, 301));
        await loop.DisposeAsync();
    }
}
