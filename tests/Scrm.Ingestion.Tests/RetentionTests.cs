using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Ingestion.Tests;

public sealed class SqliteRetentionTests(PostgresServer postgres) : RetentionTests(postgres, usePostgres: false);

public sealed class PostgresRetentionTests(PostgresServer postgres) : RetentionTests(postgres, usePostgres: true);

/// <summary>
/// Journal retention: payloads every consumer has passed are cleared after their period, the keys
/// answer duplicates until theirs has passed too; what a consumer has not passed, or dead-lettered, stays.
/// </summary>
public abstract class RetentionTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Scrm:Journal:Retention:PayloadsFor"] = "2.00:00:00",
        ["Scrm:Journal:Retention:KeysFor"] = "10.00:00:00",
        ["Scrm:Journal:Retention:BatchSize"] = "2",
        ["Scrm:Journal:Retention:BatchPause"] = "00:00:00",
        ["Scrm:Journal:Retention:SweepInterval"] = "365.00:00:00", // the test sweeps itself
        ["Scrm:Journal:RunConsumers"] = "false",
    };

    [Fact]
    public async Task Passed_payloads_are_cleared_after_their_period_and_keys_still_answer_duplicates_until_theirs()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await ModuleHost.StartAsync(Storage, (s, c) => s.AddScrmIngestion(c), Settings, time);
        var journal = host.Get<IJournal>();
        var retention = host.Get<JournalRetention>();
        var reader = host.Get<JournalReader>();

        var old = await journal.AppendAsync([.. Enumerable.Range(0, 5).Select(i => JournalTests.Item($"old-{i}"))], ct);
        time.Advance(TimeSpan.FromDays(1));
        var recent = await journal.AppendAsync([JournalTests.Item("recent")], ct);

        // Two consumers: the slower one has passed the first four old entries; the fourth is dead-lettered.
        await using (var db = await host.Get<IDbContextFactory<JournalDbContext>>().CreateDbContextAsync(ct))
        {
            db.Checkpoints.Add(new CheckpointRow { Consumer = "fast", Position = recent[0].Position });
            db.Checkpoints.Add(new CheckpointRow { Consumer = "slow", Position = old[3].Position });
            db.DeadLetters.Add(new DeadLetterRow { Consumer = "slow", Position = old[3].Position, Error = "test" });
            await db.SaveChangesAsync(ct);
        }

        (await retention.SweepAsync(null, ct)).ShouldBe(new JournalSweep(0, 0), "nothing is older than its period yet");

        time.Advance(TimeSpan.FromDays(2));
        (await retention.DueAsync(ct))[0].Rows.ShouldBe(4);
        (await retention.SweepAsync(null, ct)).PayloadsCleared.ShouldBe(3);
        var kept = await reader.ReadAsync(0, 100, ct);
        kept.Select(e => e.IdempotencyKey).ShouldBe(["old-3", "old-4", "recent"], "cleared entries are skipped; the dead letter and what the slow consumer has not passed keep their payloads");
        kept[0].Payload.ShouldNotBeEmpty();

        var again = await journal.AppendAsync([JournalTests.Item("old-0")], ct);
        again.ShouldHaveSingleItem().ShouldBe(new AppendResult(old[0].Position, Duplicate: true), "the key outlives its payload");
        (await retention.SweepAsync(null, ct)).ShouldBe(new JournalSweep(0, 0), "a second sweep starts where the first ended");

        time.Advance(TimeSpan.FromDays(8));
        (await retention.SweepAsync(null, ct)).RowsDeleted.ShouldBe(3);
        var afterKeys = await journal.AppendAsync([JournalTests.Item("old-0")], ct);
        afterKeys.ShouldHaveSingleItem().Duplicate.ShouldBeFalse("once its key is gone, the same key is a new entry");
        (await reader.ReadAsync(0, 100, ct)).Select(e => e.IdempotencyKey).ShouldBe(["old-3", "old-4", "recent", "old-0"]);
    }

    [Fact]
    public async Task Retention_is_off_unless_a_period_is_set_and_refuses_keys_kept_shorter_than_payloads()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await using (var host = await ModuleHost.StartAsync(Storage, (s, c) => s.AddScrmIngestion(c), new Dictionary<string, string?> { ["Scrm:Journal:RunConsumers"] = "false" }, time))
        {
            await host.Get<IJournal>().AppendAsync([JournalTests.Item("a")], ct);
            time.Advance(TimeSpan.FromDays(3650));
            (await host.Get<JournalRetention>().SweepAsync(null, ct)).ShouldBe(new JournalSweep(0, 0));
            (await host.Get<JournalReader>().ReadAsync(0, 10, ct)).ShouldHaveSingleItem();
        }

        var bad = new Dictionary<string, string?>(Settings) { ["Scrm:Journal:Retention:KeysFor"] = "1.00:00:00" };
        await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ModuleHost.StartAsync(Storage, (s, c) => s.AddScrmIngestion(c), bad, time));
    }
}
