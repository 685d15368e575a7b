using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Leads.Storage;
using Scrm.Platform.Security;
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

    [Fact]
    public async Task Each_reps_open_lead_count_is_kept_by_the_database_whatever_changes_the_lead()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        await using var host = await ModuleHost.StartAsync(storage, (s, c) => s.AddScrmLeads(c), Team());
        var ct = TestContext.Current.CancellationToken;
        var intake = host.Get<LeadIntake>();
        var routing = host.Get<LeadRouting>();
        var work = host.Get<LeadWork>();
        var contexts = host.Get<IDbContextFactory<LeadsDbContext>>();
        for (var i = 0; i < 40; i++)
        {
            var id = (await intake.IntakeAsync(new LeadDraft($"loads:{i}", "web", Phone: $"+86137{i:D8}"), ct)).LeadId;
            await routing.RouteAsync(id, "test", ct);
        }

        await ExpectLoadsMatchAsync(contexts, new() { ["rep-a"] = 10, ["rep-b"] = 10, ["rep-c"] = 10, ["rep-d"] = 10 });
        Dictionary<string, long[]> of;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            of = (await db.Leads.ToListAsync(ct)).GroupBy(l => l.Owner!).ToDictionary(g => g.Key, g => g.Select(l => l.Id).ToArray());
        }

        // Closed leads leave their rep's load, whoever closed them and however.
        (await work.TransitionAsync(of["rep-a"][0], LeadStage.Lost, "no budget", new Caller("rep-a", ScrmRoles.Sales), "en", ct)).Done.ShouldBeTrue();
        (await work.TransitionAsync(of["rep-b"][0], LeadStage.Disqualified, "spam", new Caller("rep-b", ScrmRoles.Sales), "en", ct)).Done.ShouldBeTrue();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await db.Leads.Where(l => l.Id == of["rep-c"][0]).ExecuteDeleteAsync(ct);
            await db.Leads.Where(l => l.Id == of["rep-d"][0]).ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.Pooled, true), ct);
        }

        (await routing.ClaimAsync(of["rep-d"][0], "rep-a", ct)).ShouldBeTrue();
        (await routing.HandOverAsync("rep-c", "rep-b", "boss", ct))!.Leads.ShouldBe(9);
        await ExpectLoadsMatchAsync(contexts, new() { ["rep-a"] = 10, ["rep-b"] = 18, ["rep-d"] = 9 });

        // A database from before the counts: going back drops them, coming forward counts what is there.
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("NotificationHook", cancellationToken: ct);
            await db.Leads.Where(l => l.Id == of["rep-d"][1]).ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, "rep-z"), ct);
            await migrator.MigrateAsync(cancellationToken: ct);
        }

        await ExpectLoadsMatchAsync(contexts, new() { ["rep-a"] = 10, ["rep-b"] = 18, ["rep-d"] = 8, ["rep-z"] = 1 });
    }

    private static async Task ExpectLoadsMatchAsync(IDbContextFactory<LeadsDbContext> contexts, Dictionary<string, int> expected)
    {
        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var kept = (await db.RepLoads.ToListAsync(TestContext.Current.CancellationToken)).Where(r => r.OpenLeads != 0).ToDictionary(r => r.Owner, r => r.OpenLeads);
        var counted = (await db.Leads.ToListAsync(TestContext.Current.CancellationToken)).Where(l => l.Owner != null && l.IsOpen)
            .GroupBy(l => l.Owner!).ToDictionary(g => g.Key, g => g.Count());
        kept.ShouldBe(counted, ignoreOrder: true);
        kept.ShouldBe(expected, ignoreOrder: true);
    }
}
