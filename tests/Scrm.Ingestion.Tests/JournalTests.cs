using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Ingestion.Tests;

public sealed class SqliteJournalTests(PostgresServer postgres) : JournalTests(postgres, usePostgres: false);

public sealed class PostgresJournalTests(PostgresServer postgres) : JournalTests(postgres, usePostgres: true);

public abstract class JournalTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private static readonly DateTimeOffset Occurred = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    internal static InboundItem Item(string key, TimeSpan? window = null) =>
        new(InboundKind.Mention, "webhook", "test", key, Occurred, $$"""{"key":"{{key}}"}""") { DuplicateWindow = window };

    private Task<ModuleHost> StartAsync(TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        ModuleHost.StartAsync(Storage, (s, c) => s.AddScrmIngestion(c), settings, time);

    [Fact]
    public async Task Appends_get_increasing_positions_and_read_back_in_order()
    {
        await using var host = await StartAsync();
        var journal = host.Get<IJournal>();
        var first = await journal.AppendAsync([Item("a"), Item("b")], TestContext.Current.CancellationToken);
        var second = await journal.AppendAsync([Item("c")], TestContext.Current.CancellationToken);

        first.Select(r => r.Duplicate).ShouldBe([false, false]);
        first[0].Position.ShouldBeLessThan(first[1].Position);
        first[1].Position.ShouldBeLessThan(second[0].Position);
        var entries = await host.Get<JournalReader>().ReadAsync(0, 10, TestContext.Current.CancellationToken);
        entries.Select(e => e.IdempotencyKey).ShouldBe(["a", "b", "c"]);
        entries[0].Payload.ShouldBe("""{"key":"a"}""");
        entries[0].OccurredAt.ShouldBe(Occurred);
    }

    [Fact]
    public async Task Duplicate_delivery_sequentially_is_stored_once_and_answers_the_first_position()
    {
        await using var host = await StartAsync();
        var journal = host.Get<IJournal>();
        var original = (await journal.AppendAsync([Item("k")], TestContext.Current.CancellationToken))[0];
        var repeat = (await journal.AppendAsync([Item("k")], TestContext.Current.CancellationToken))[0];
        var inOneRequest = await journal.AppendAsync([Item("k2"), Item("k2")], TestContext.Current.CancellationToken);

        repeat.ShouldBe(new AppendResult(original.Position, Duplicate: true));
        inOneRequest[1].ShouldBe(new AppendResult(inOneRequest[0].Position, Duplicate: true));
        var stats = await host.Get<JournalReader>().StatsAsync(TestContext.Current.CancellationToken);
        stats.Appended.ShouldBe(2);
        stats.Duplicates.ShouldBe(2);
        (await host.Get<JournalReader>().ReadAsync(0, 10, TestContext.Current.CancellationToken)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Duplicate_delivery_concurrently_is_stored_once()
    {
        await using var host = await StartAsync();
        var journal = host.Get<IJournal>();
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => journal.AppendAsync([Item($"same-{i % 5}")], TestContext.Current.CancellationToken))));

        var all = results.Select(r => r[0]).ToArray();
        all.Count(r => !r.Duplicate).ShouldBe(5);
        all.Select(r => r.Position).Distinct().Count().ShouldBe(5);
        (await host.Get<JournalReader>().ReadAsync(0, 1000, TestContext.Current.CancellationToken)).Count.ShouldBe(5);
    }

    [Fact]
    public async Task Concurrent_appends_share_commits()
    {
        await using var host = await StartAsync();
        var journal = host.Get<IJournal>();
        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i =>
            Task.Run(() => journal.AppendAsync([Item($"g-{i}")], TestContext.Current.CancellationToken))));

        var writer = host.Get<JournalWriter>();
        TestContext.Current.TestOutputHelper?.WriteLine($"2,000 concurrent appends in {writer.Commits} commits");
        // Grouped, not merely fewer than one commit per append: on average at least 10 appends share a commit.
        writer.Commits.ShouldBeInRange(1, 200);
        (await host.Get<JournalReader>().LastPositionAsync(TestContext.Current.CancellationToken)).ShouldBeGreaterThanOrEqualTo(2_000);
        (await host.Get<JournalReader>().StatsAsync(TestContext.Current.CancellationToken)).Appended.ShouldBe(2_000);
    }

    [Fact]
    public async Task A_content_key_repeats_as_a_duplicate_inside_its_window_and_as_new_after_it()
    {
        var time = new FakeTimeProvider(Occurred);
        await using var host = await StartAsync(time);
        var journal = host.Get<IJournal>();
        var window = TimeSpan.FromHours(24);

        var first = (await journal.AppendAsync([Item("lead#x", window)], TestContext.Current.CancellationToken))[0];
        time.Advance(TimeSpan.FromHours(23));
        var within = (await journal.AppendAsync([Item("lead#x", window)], TestContext.Current.CancellationToken))[0];
        time.Advance(TimeSpan.FromHours(2));
        var after = (await journal.AppendAsync([Item("lead#x", window)], TestContext.Current.CancellationToken))[0];
        time.Advance(TimeSpan.FromHours(1));
        var withinSecond = (await journal.AppendAsync([Item("lead#x", window)], TestContext.Current.CancellationToken))[0];

        within.ShouldBe(new AppendResult(first.Position, Duplicate: true));
        after.Duplicate.ShouldBeFalse();
        withinSecond.ShouldBe(new AppendResult(after.Position, Duplicate: true));
    }

    [Fact]
    public async Task Stopping_drains_queued_appends_before_returning()
    {
        var host = await StartAsync();
        var journal = host.Get<IJournal>();
        var pending = Enumerable.Range(0, 500).Select(i => journal.AppendAsync([Item($"d-{i}")], CancellationToken.None)).ToArray();
        await host.Get<JournalWriter>().StopAsync(CancellationToken.None);

        (await Task.WhenAll(pending)).ShouldAllBe(r => !r[0].Duplicate);
        await Should.ThrowAsync<JournalUnavailableException>(() => journal.AppendAsync([Item("late")], CancellationToken.None));
        (await host.Get<JournalReader>().LastPositionAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(500);
        await host.DisposeAsync();
    }
}
