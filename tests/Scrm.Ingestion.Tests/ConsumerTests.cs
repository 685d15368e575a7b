using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Consumers;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Ingestion.Tests;

public sealed class SqliteConsumerTests(PostgresServer postgres) : ConsumerTests(postgres, usePostgres: false);

public sealed class PostgresConsumerTests(PostgresServer postgres) : ConsumerTests(postgres, usePostgres: true);

public abstract class ConsumerTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    /// <summary>Records what it sees; fails on keys starting with "poison".</summary>
    internal sealed class RecordingHandler(Recorder recorder) : IJournalHandler
    {
        public string Name => "recording";

        public Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
        {
            foreach (var entry in batch)
            {
                if (entry.IdempotencyKey.StartsWith("poison", StringComparison.Ordinal))
                {
                    recorder.Failures.Add(entry.Position);
                    throw new InvalidOperationException("cannot handle " + entry.IdempotencyKey);
                }
            }

            foreach (var entry in batch)
            {
                recorder.Seen.Enqueue(entry);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Declares batches of at most three entries and records the size of each it gets.</summary>
    internal sealed class SmallBatchHandler(Recorder recorder) : IJournalHandler
    {
        public string Name => "small-batches";

        public int? BatchSize => 3;

        public Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
        {
            recorder.BatchSizes.Enqueue(batch.Count);
            foreach (var entry in batch)
            {
                recorder.Seen.Enqueue(entry);
            }

            return Task.CompletedTask;
        }
    }

    internal sealed class Recorder
    {
        public ConcurrentQueue<int> BatchSizes { get; } = new();

        public ConcurrentQueue<JournalEntry> Seen { get; } = new();
        public ConcurrentBag<long> Failures { get; } = [];
    }

    /// <summary>Three batches at once; each waits for its gate (by its first key), and fails once if its first key starts with "flaky".</summary>
    internal sealed class GatedHandler(Gates gates) : IJournalHandler
    {
        public string Name => "gated";

        public int BatchesInFlight => 3;

        public async Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
        {
            var first = batch[0].IdempotencyKey;
            gates.Started.Enqueue(first);
            await gates.For(first).Task.WaitAsync(cancellationToken);
            if (first.StartsWith("flaky", StringComparison.Ordinal) && gates.FailedOnce.TryAdd(first, true))
            {
                throw new InvalidOperationException("fails once: " + first);
            }

            foreach (var entry in batch)
            {
                gates.Seen.Enqueue(entry.IdempotencyKey);
            }
        }
    }

    internal sealed class Gates
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

        public ConcurrentQueue<string> Started { get; } = new();
        public ConcurrentQueue<string> Seen { get; } = new();
        public ConcurrentDictionary<string, bool> FailedOnce { get; } = new();

        public TaskCompletionSource For(string key) => _gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public void Open(string key) => For(key).TrySetResult();
    }

    private Task<ModuleHost> StartGatedAsync(Gates gates) =>
        ModuleHost.StartAsync(Storage, (s, c) =>
        {
            s.AddScrmIngestion(c);
            s.AddSingleton(gates);
            s.AddJournalConsumer<GatedHandler>();
        }, new Dictionary<string, string?> { ["Scrm:Journal:ConsumerBatchSize"] = "2", ["Scrm:Journal:MaxAttempts"] = "3", ["Scrm:Journal:ConsumerLease"] = "00:00:03" });

    /// <summary>The gated consumer's stats, or null before its first checkpoint row exists.</summary>
    private static async Task<ConsumerStats?> GatedStatsAsync(ModuleHost host) =>
        (await host.Get<JournalReader>().StatsAsync(CancellationToken.None)).Consumers.SingleOrDefault(c => c.Name == "gated");

    private Task<ModuleHost> StartAsync(Recorder recorder, TempDirectory? data = null) =>
        ModuleHost.StartAsync(Storage, (s, c) =>
        {
            s.AddScrmIngestion(c);
            s.AddSingleton(recorder);
            s.AddJournalConsumer<RecordingHandler>();
        }, new Dictionary<string, string?> { ["Scrm:Journal:MaxAttempts"] = "3", ["Scrm:Journal:InstanceId"] = "replica-b" }, data: data);

    /// <summary>The lease row of a consumer: who holds it and until when (Unix ms).</summary>
    private static async Task<(string? Owner, long Until)> LeaseAsync(ModuleHost host, string consumer)
    {
        await using var db = await host.Get<IDbContextFactory<JournalDbContext>>().CreateDbContextAsync();
        var row = await db.Checkpoints.AsNoTracking().SingleAsync(c => c.Consumer == consumer);
        return (row.LeaseOwner, row.LeaseUntil);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition was not met in time.");
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_consumer_sees_every_item_in_order_and_its_lag_reaches_zero()
    {
        var recorder = new Recorder();
        await using var host = await StartAsync(recorder);
        var journal = host.Get<IJournal>();
        for (var i = 0; i < 30; i++)
        {
            await journal.AppendAsync([JournalTests.Item($"c-{i}"), JournalTests.Item($"c-{i}")], TestContext.Current.CancellationToken);
        }

        await WaitUntilAsync(() => recorder.Seen.Count >= 30);
        recorder.Seen.Select(e => e.IdempotencyKey).ShouldBe(Enumerable.Range(0, 30).Select(i => $"c-{i}"));
        var stats = await host.Get<JournalReader>().StatsAsync(TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => host.Get<JournalReader>().StatsAsync(CancellationToken.None).Result.Consumers.Single().Lag == 0);
        stats.Consumers.ShouldHaveSingleItem().Name.ShouldBe("recording");
    }

    [Fact]
    public async Task A_restarted_consumer_continues_from_its_checkpoint()
    {
        var data = new TempDirectory("scrm-consumer");
        var first = new Recorder();
        var host = await StartAsync(first, data);
        var journal = host.Get<IJournal>();
        await journal.AppendAsync(Enumerable.Range(0, 10).Select(i => JournalTests.Item($"r-{i}")).ToArray(), TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => first.Seen.Count == 10);
        await WaitUntilAsync(() => host.Get<JournalReader>().StatsAsync(CancellationToken.None).Result.Consumers.Single().Lag == 0);
        await host.StopAsync();

        var second = new Recorder();
        await using var restarted = await StartAsync(second, data);
        await restarted.Get<IJournal>().AppendAsync([JournalTests.Item("r-after")], TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => !second.Seen.IsEmpty);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        second.Seen.Select(e => e.IdempotencyKey).ShouldBe(["r-after"]);
    }

    [Fact]
    public async Task A_poison_item_is_dead_lettered_after_its_attempts_and_the_rest_flow_on()
    {
        var recorder = new Recorder();
        await using var host = await StartAsync(recorder);
        await host.Get<IJournal>().AppendAsync([JournalTests.Item("ok-1"), JournalTests.Item("poison-1"), JournalTests.Item("ok-2")], TestContext.Current.CancellationToken);

        await WaitUntilAsync(() => recorder.Seen.Any(e => e.IdempotencyKey == "ok-2"), seconds: 30);
        recorder.Seen.Select(e => e.IdempotencyKey).ShouldBe(["ok-1", "ok-2"]);
        var stats = await host.Get<JournalReader>().StatsAsync(TestContext.Current.CancellationToken);
        stats.Consumers.Single().DeadLetters.ShouldBe(1);
    }

    [Fact]
    public async Task Batches_in_flight_overlap_and_the_checkpoint_passes_a_batch_only_after_every_earlier_one()
    {
        var gates = new Gates();
        await using var host = await StartGatedAsync(gates);
        await host.Get<IJournal>().AppendAsync(Enumerable.Range(0, 10).Select(i => JournalTests.Item($"g-{i}")).ToArray(), TestContext.Current.CancellationToken);

        // Three batches of two are handed over at once, and no fourth while all three are open.
        await WaitUntilAsync(() => gates.Started.Count == 3);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        gates.Started.ShouldBe(["g-0", "g-2", "g-4"]);

        // The second batch ends first: the checkpoint waits for the first.
        gates.Open("g-2");
        await WaitUntilAsync(() => gates.Seen.Contains("g-3"));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        (await GatedStatsAsync(host))!.Lag.ShouldBe(10);
        gates.Started.Count.ShouldBe(3);

        // The first ends: the checkpoint passes both, and two more batches start.
        gates.Open("g-0");
        await WaitUntilAsync(() => GatedStatsAsync(host).Result?.Lag == 6);
        await WaitUntilAsync(() => gates.Started.Count == 5);
        gates.Started.ShouldBe(["g-0", "g-2", "g-4", "g-6", "g-8"]);

        foreach (var key in new[] { "g-4", "g-6", "g-8" })
        {
            gates.Open(key);
        }

        await WaitUntilAsync(() => GatedStatsAsync(host).Result?.Lag == 0);
        gates.Seen.Order().ShouldBe(Enumerable.Range(0, 10).Select(i => $"g-{i}").Order());
    }

    [Theory]
    [InlineData(3, 3, 500, 0, 3, 1)]
    [InlineData(3, 3, 500, 1, 6, 2)]
    [InlineData(3, 3, 500, 2, 12, 3)]
    [InlineData(3, 3, 500, 9, 500, 3)]
    [InlineData(25, 3, 500, 16, 500, 3)]
    [InlineData(25, 3, 500, 40, 500, 3)]
    [InlineData(500, 3, 500, 0, 500, 3)]
    [InlineData(2, 3, 2, 0, 2, 3)]
    public void A_small_batch_doubles_and_one_more_batch_opens_with_each_full_batch_passed(int declared, int window, int max, int ramp, int size, int open) =>
        JournalConsumer<SmallBatchHandler>.Ramped(declared, window, max, ramp).ShouldBe((size, open));

    [Fact]
    public async Task A_handler_that_declares_small_batches_starts_with_one_and_reads_a_backlog_in_doubling_ones()
    {
        var recorder = new Recorder();
        await using var host = await ModuleHost.StartAsync(Storage, (s, c) =>
        {
            s.AddScrmIngestion(c);
            s.AddSingleton(recorder);
            s.AddJournalConsumer<SmallBatchHandler>();
        }, new Dictionary<string, string?>());
        await host.Get<IJournal>().AppendAsync(Enumerable.Range(0, 30).Select(i => JournalTests.Item($"s-{i}")).ToArray(), TestContext.Current.CancellationToken);

        await WaitUntilAsync(() => recorder.Seen.Count == 30);
        recorder.Seen.Select(e => e.IdempotencyKey).ShouldBe(Enumerable.Range(0, 30).Select(i => $"s-{i}"));

        // 3 first; each full batch that passed doubles the next; the last holds what is left.
        recorder.BatchSizes.ShouldBe([3, 6, 12, 9]);
    }

    [Fact]
    public async Task A_consumer_ordered_after_another_sees_an_item_only_once_that_one_has_passed_it()
    {
        var gates = new Gates();
        var recorder = new Recorder();
        await using var host = await ModuleHost.StartAsync(Storage, (s, c) =>
        {
            s.AddScrmIngestion(c);
            s.AddSingleton(gates);
            s.AddSingleton(recorder);
            s.AddJournalConsumer<GatedHandler>();
            s.AddJournalConsumer<RecordingHandler>();
            s.AddJournalOrder("recording", after: "gated");
            // An order after a consumer this host does not run is ignored.
            s.AddJournalOrder("recording", after: "not-here");
        }, new Dictionary<string, string?> { ["Scrm:Journal:ConsumerBatchSize"] = "2" });
        await host.Get<IJournal>().AppendAsync(Enumerable.Range(0, 6).Select(i => JournalTests.Item($"o-{i}")).ToArray(), TestContext.Current.CancellationToken);

        await WaitUntilAsync(() => gates.Started.Count == 3);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        recorder.Seen.ShouldBeEmpty();

        // The second batch ends first, but the first holds the checkpoint: still nothing.
        gates.Open("o-2");
        await WaitUntilAsync(() => gates.Seen.Contains("o-3"));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        recorder.Seen.ShouldBeEmpty();

        gates.Open("o-0");
        await WaitUntilAsync(() => recorder.Seen.Count == 4);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        recorder.Seen.Select(e => e.IdempotencyKey).ShouldBe(["o-0", "o-1", "o-2", "o-3"]);

        gates.Open("o-4");
        await WaitUntilAsync(() => recorder.Seen.Count == 6);
        recorder.Seen.Select(e => e.IdempotencyKey).ShouldBe(Enumerable.Range(0, 6).Select(i => $"o-{i}"));
    }

    [Fact]
    public async Task A_batch_that_fails_among_several_in_flight_stops_the_checkpoint_and_what_follows_it_is_handed_over_again()
    {
        var gates = new Gates();
        await using var host = await StartGatedAsync(gates);
        foreach (var key in new[] { "a-0", "a-1", "flaky-2", "flaky-3", "a-4", "a-5" })
        {
            gates.Open(key);
        }

        await host.Get<IJournal>().AppendAsync(new[] { "a-0", "a-1", "flaky-2", "flaky-3", "a-4", "a-5" }.Select(k => JournalTests.Item(k)).ToArray(), TestContext.Current.CancellationToken);

        await WaitUntilAsync(() => GatedStatsAsync(host).Result?.Lag == 0, seconds: 30);
        var seen = gates.Seen.ToList();
        seen.Distinct().Order().ShouldBe(new[] { "a-0", "a-1", "a-4", "a-5", "flaky-2", "flaky-3" }.Order());
        seen.Count(k => k == "a-0").ShouldBe(1);
        gates.FailedOnce.Keys.ShouldContain("flaky-2");
        (await GatedStatsAsync(host))!.DeadLetters.ShouldBe(0);
    }

    [Fact]
    public async Task A_replica_that_stops_renewing_is_taken_over_when_its_lease_lapses_and_not_before()
    {
        // Replica A held the consumer, renewed its lease once more and died: the lease runs one (default) lease length, 3 s.
        var data = new TempDirectory("scrm-takeover");
        DateTimeOffset lapses;
        var journalOnly = await ModuleHost.StartAsync(Storage, (s, c) => s.AddScrmIngestion(c), data: data);
        await journalOnly.Get<IJournal>().AppendAsync(Enumerable.Range(0, 10).Select(i => JournalTests.Item($"t-{i}")).ToArray(), TestContext.Current.CancellationToken);
        await using (var db = await journalOnly.Get<IDbContextFactory<JournalDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            lapses = DateTimeOffset.UtcNow.AddSeconds(3);
            db.Checkpoints.Add(new CheckpointRow { Consumer = "recording", LeaseOwner = "replica-a", LeaseUntil = lapses.ToUnixTimeMilliseconds() });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await journalOnly.StopAsync();

        var recorder = new Recorder();
        await using var host = await StartAsync(recorder, data);
        await WaitUntilAsync(() => recorder.Seen.Count == 10, seconds: 10);
        var resumed = DateTimeOffset.UtcNow;

        // Nothing was read while A's lease ran, and everything within seconds of its end.
        (resumed - lapses).ShouldBeGreaterThan(TimeSpan.Zero);
        (resumed - lapses).ShouldBeLessThan(TimeSpan.FromSeconds(2));
        (await LeaseAsync(host, "recording")).Owner.ShouldBe("replica-b");
    }

    [Fact]
    public async Task A_batch_longer_than_the_lease_keeps_its_lease_by_heartbeat()
    {
        var gates = new Gates();
        await using var host = await StartGatedAsync(gates);
        await host.Get<IJournal>().AppendAsync([JournalTests.Item("slow-0")], TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => gates.Started.Count == 1);

        // The batch is held for twice the (3 s) lease: the lease must never lapse meanwhile.
        var until = DateTime.UtcNow.AddSeconds(6);
        while (DateTime.UtcNow < until)
        {
            var (owner, leaseUntil) = await LeaseAsync(host, "gated");
            owner.ShouldNotBeNull();
            leaseUntil.ShouldBeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        gates.Open("slow-0");
        await WaitUntilAsync(() => GatedStatsAsync(host).Result?.Lag == 0);
    }
}
