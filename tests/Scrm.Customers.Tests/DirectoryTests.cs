using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Directory;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

public sealed class SqliteDirectoryTests(PostgresServer postgres) : DirectoryTests(postgres, usePostgres: false);

public sealed class PostgresDirectoryTests(PostgresServer postgres) : DirectoryTests(postgres, usePostgres: true);

/// <summary>The surface other modules use, served in batches: every concurrent caller must still get its own answer.</summary>
public abstract class DirectoryTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    [Fact]
    public async Task Concurrent_claims_give_a_customer_exactly_one_owner_and_every_claimant_learns_who()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var ids = await host.ApplyAsync(CustomerHost.Lead(1, "甲", "+8613800000001"), CustomerHost.Lead(2, "乙", "+8613800000002"));
        var directory = host.Get<CustomerDirectory>();
        var ct = TestContext.Current.CancellationToken;

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => directory.ClaimOwnerAsync(ids[i % 2]!.Value, $"rep-{i}", ct), ct)));

        var owners = await host.QueryAsync(db => db.Customers.Where(c => c.OwnerId != null).ToDictionaryAsync(c => c.Id, c => c.OwnerId!, ct));
        owners.Count.ShouldBe(2);
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i].ShouldBe(owners[ids[i % 2]!.Value]);
        }

        (await directory.ClaimOwnerAsync(Guid.NewGuid(), "rep-x", ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_claim_run_again_under_its_key_answers_its_first_answer_even_after_the_owner_changed_hands()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var id = (await host.ApplyAsync(CustomerHost.Lead(1, "丙", "+8613800000003")))[0]!.Value;
        var directory = host.Get<CustomerDirectory>();
        var ct = TestContext.Current.CancellationToken;

        var first = await directory.ClaimOwnerAsync(id, "rep-a", "instance-1:route:1/claim", ct);
        await host.QueryAsync(db => db.Customers.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerId, "rep-b"), ct));
        var again = await directory.ClaimOwnerAsync(id, "rep-a", "instance-1:route:1/claim", ct);

        first.ShouldBe(new("rep-a", Replayed: false));
        again.ShouldBe(new("rep-a", Replayed: true));
        (await directory.ClaimOwnerAsync(id, "rep-c", "instance-2:route:1/claim", ct)).ShouldBe(new("rep-b", Replayed: false));
    }

    [Fact]
    public async Task An_item_resolves_to_its_customer_following_merges_and_unresolved_items_to_nothing()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var ids = await host.ApplyAsync(
            CustomerHost.Lead(1, "王小明", "+8613800138000"),
            CustomerHost.Lead(2, "王小明", email: "xm@example.com"),
            CustomerHost.Lead(3, "李雷", "+8613900139000"));
        ids[0].ShouldNotBe(ids[1]);

        // Both keys on one lead prove the first two customers are one person: they merge.
        var merged = await host.ApplyAsync(CustomerHost.Lead(4, "王小明", "+8613800138000", "xm@example.com"));
        var survivor = merged[0]!.Value;
        var directory = host.Get<CustomerDirectory>();
        var ct = TestContext.Current.CancellationToken;

        var facts = await Task.WhenAll(new long[] { 1, 2, 3, 4, 99 }.Select(p => directory.ForJournalItemAsync(p, ct)));

        facts[0]!.Id.ShouldBe(survivor);
        facts[1]!.Id.ShouldBe(survivor);
        facts[2]!.Id.ShouldBe(ids[2]!.Value);
        facts[3]!.Id.ShouldBe(survivor);
        facts[4].ShouldBeNull();
    }

    [Fact]
    public async Task A_wait_for_resolution_wakes_when_the_consumer_passes_the_item_and_otherwise_ends_at_its_limit()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var directory = host.Get<CustomerDirectory>();
        var ct = TestContext.Current.CancellationToken;
        var lead = new LeadPayload("王小明", new PhoneValue("13800138000", "+8613800138000"), null, null, null, null,
            new LeadOrigin("web", "contact", null, null, null, null, null, null, null, null), DateTimeOffset.UtcNow, null);
        var position = (await host.Get<IJournal>().AppendAsync([new InboundItem(InboundKind.Lead, "web", "contact", "lead:web:contact:wait-1", lead.SubmittedAt,
            JsonSerializer.Serialize(lead, InboundJson.Default.LeadPayload))], ct))[0].Position;

        var woken = System.Diagnostics.Stopwatch.StartNew();
        await directory.WaitForResolutionAsync(position, TimeSpan.FromSeconds(20), ct);

        woken.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        directory.HasResolved(position).ShouldBeTrue();
        (await directory.ForJournalItemAsync(position, ct)).ShouldNotBeNull();

        var limited = System.Diagnostics.Stopwatch.StartNew();
        await directory.WaitForResolutionAsync(position + 1_000, TimeSpan.FromMilliseconds(300), ct);
        limited.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250));
        directory.HasResolved(position + 1_000).ShouldBeFalse();
    }
}
