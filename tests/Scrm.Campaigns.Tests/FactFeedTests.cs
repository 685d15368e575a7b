using Bogus;
using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Customers;
using Scrm.Customers.Directory;
using Scrm.Customers.Model;
using Scrm.Ingestion;
using Scrm.Platform.Security;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>
/// The index as filled from the customer model's change feed on each provider: counts equal the
/// rule evaluator on the facts that were written, and after changes equal a fresh full read.
/// </summary>
public abstract class FactFeedTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Scrm:Campaigns:IndexSettleTime"] = "00:00:00",
        ["Scrm:Campaigns:IndexPollInterval"] = "01:00:00",
        ["Scrm:Campaigns:IndexBatchSize"] = "100",
    };

    private static List<Guid> Expected(SegmentRule rule, IEnumerable<CustomerFactSheet> customers) =>
        [.. customers.Where(c => c.Active && RuleEvaluator.Matches(rule, c, Generated.Context)).Select(c => c.Id).Order()];

    private static List<Guid> Actual(FactIndex index, SegmentRule rule) =>
        [.. index.Select(rule, Generated.Context, OwnerScope.All).Members(null, int.MaxValue).Select(m => m.Id).Order()];

    [Fact]
    public async Task Counts_from_the_store_equal_the_evaluator_before_and_after_changes()
    {
        await using var host = await ModuleHost.StartAsync(Storage, (s, c) => s.AddScrmIngestion(c).AddScrmCustomers(c).AddScrmCampaigns(c), Settings);
        var contexts = host.Get<IDbContextFactory<CustomersDbContext>>();
        var feed = host.Get<FactIndexFeed>();
        var index = host.Get<FactIndex>();
        await feed.Ready.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var faker = new Faker { Random = new Randomizer(41) };
        var customers = Enumerable.Range(0, 400).Select(i => Generated.Customer(faker, Guid.CreateVersion7(Generated.Now.AddSeconds(i)))).ToDictionary(c => c.Id);
        var stamp = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds();
        await Seed.WriteAsync(contexts, customers.Values, stamp);

        (await feed.CatchUpAsync(Ct)).ShouldBe(400);

        foreach (var json in Generated.Rules)
        {
            var rule = Generated.Rule(json);
            Actual(index, rule).ShouldBe(Expected(rule, customers.Values), json);
        }

        var changed = customers.Values.Take(60).Select((c, i) => i % 6 == 0
            ? c with { Active = false }
            : c with { Tags = [.. c.Tags.Append("new")], Tier = "gold", OrderCount = c.OrderCount + 1, LastOrderAt = Generated.Now.AddDays(-1).ToUnixTimeMilliseconds() }).ToList();
        foreach (var c in changed)
        {
            customers[c.Id] = c;
        }

        await Seed.WriteAsync(contexts, changed, stamp + 1_000);
        (await feed.CatchUpAsync(Ct)).ShouldBe(60);

        using var rebuilt = new FactIndex();
        foreach (var sheet in await host.Get<CustomerFactSheets>().ReadAsync(CustomerChangeMark.Start, long.MaxValue, 10_000, Ct))
        {
            rebuilt.Upsert(sheet);
        }

        index.Count.ShouldBe(400 - 10);
        foreach (var json in Generated.Rules.Append("""{"fact":"tags","op":"hasAny","values":["new"]}"""))
        {
            var rule = Generated.Rule(json);
            var expected = Expected(rule, customers.Values);
            Actual(index, rule).ShouldBe(expected, json);
            Actual(rebuilt, rule).ShouldBe(expected, json);
        }
    }
}

public sealed class SqliteFactFeedTests(PostgresServer postgres) : FactFeedTests(postgres, usePostgres: false);

public sealed class PostgresFactFeedTests(PostgresServer postgres) : FactFeedTests(postgres, usePostgres: true);
