using System.Collections.Concurrent;
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

    internal sealed class Recorder
    {
        public ConcurrentQueue<JournalEntry> Seen { get; } = new();
        public ConcurrentBag<long> Failures { get; } = [];
    }

    private Task<ModuleHost> StartAsync(Recorder recorder, TempDirectory? data = null) =>
        ModuleHost.StartAsync(Storage, (s, c) =>
        {
            s.AddScrmIngestion(c);
            s.AddSingleton(recorder);
            s.AddJournalConsumer<RecordingHandler>();
        }, new Dictionary<string, string?> { ["Scrm:Journal:MaxAttempts"] = "3" }, data: data);

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
}
