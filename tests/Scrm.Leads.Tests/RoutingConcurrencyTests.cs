using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Leads.Storage;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

public sealed class SqliteRoutingConcurrencyTests(PostgresServer postgres) : RoutingConcurrencyTests(postgres, usePostgres: false);

public sealed class PostgresRoutingConcurrencyTests(PostgresServer postgres) : RoutingConcurrencyTests(postgres, usePostgres: true);

/// <summary>Many routers at once: every lead ends with exactly one owner, and round robin stays balanced.</summary>
public abstract class RoutingConcurrencyTests(PostgresServer postgres, bool usePostgres)
{
    internal static Dictionary<string, string?> Team(string strategy = "RoundRobin") => new()
    {
        ["Scrm:Leads:Teams:0:Name"] = "sales",
        ["Scrm:Leads:Teams:0:Strategy"] = strategy,
        ["Scrm:Leads:Teams:0:TeamLead"] = "boss",
        ["Scrm:Leads:Teams:0:Reps:0:Id"] = "rep-a",
        ["Scrm:Leads:Teams:0:Reps:1:Id"] = "rep-b",
        ["Scrm:Leads:Teams:0:Reps:2:Id"] = "rep-c",
        ["Scrm:Leads:Teams:0:Reps:3:Id"] = "rep-d",
        ["Scrm:Leads:DefaultTeam"] = "sales",
        ["Scrm:Scheduling:Store"] = "Memory",
    };

    [Fact]
    public async Task A_thousand_leads_routed_by_eight_workers_end_with_one_owner_each_and_round_robin_within_one()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        await using var host = await ModuleHost.StartAsync(storage, (s, c) => s.AddScrmLeads(c), Team());
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var intake = host.Get<LeadIntake>();
        var routing = host.Get<LeadRouting>();
        var ids = (await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = w; i < 1_000; i += 8)
            {
                mine.Add((await intake.IntakeAsync(new LeadDraft($"test:{i}", "web", Phone: $"+86138{i:D8}"), TestContext.Current.CancellationToken)).LeadId);
            }

            return mine;
        })))).SelectMany(x => x).ToList();
        ids.Distinct().Count().ShouldBe(1_000);

        TestContext.Current.TestOutputHelper?.WriteLine($"intake done at {sw.Elapsed}");
        var queue = new System.Collections.Concurrent.ConcurrentQueue<long>(ids.Concat(ids.Take(200)));
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var id))
            {
                await routing.RouteAsync(id, "test", TestContext.Current.CancellationToken);
            }
        }));
        await Task.WhenAll(workers);
        TestContext.Current.TestOutputHelper?.WriteLine($"routing done at {sw.Elapsed}");

        await using var db = await host.Get<IDbContextFactory<LeadsDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var leads = await db.Leads.ToListAsync(TestContext.Current.CancellationToken);
        var assignments = await db.Assignments.ToListAsync(TestContext.Current.CancellationToken);
        leads.Count.ShouldBe(1_000);
        leads.ShouldAllBe(l => l.Owner != null);
        assignments.Count.ShouldBe(1_000);
        assignments.GroupBy(a => a.LeadId).ShouldAllBe(g => g.Count() == 1 && g.Single().Owner == leads.Single(l => l.Id == g.Key).Owner);
        var owners = leads.GroupBy(l => l.Owner!).ToDictionary(g => g.Key, g => g.Count());
        owners.Keys.Order().ShouldBe(["rep-a", "rep-b", "rep-c", "rep-d"]);
        (owners.Values.Max() - owners.Values.Min()).ShouldBeLessThanOrEqualTo(1);
    }
}
