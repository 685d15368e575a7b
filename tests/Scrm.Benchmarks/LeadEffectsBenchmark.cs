using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// What recording a side effect's outcome with the effect (ADR 0006) costs the lead hot path:
/// intake then routing of new leads, as the workflow's steps call them (under a step's effect key,
/// so each commit also reads and writes the outcome rows), against the same calls without a key
/// (no outcome rows: what the path cost before) — rounds alternate in one process on one store.
/// </summary>
internal static class LeadEffectsBenchmark
{
    public const string Usage = "  lead-effects [--leads 2000] [--rounds 6] [--concurrency 64] [--storage sqlite|postgres]";

    public static async Task RunAsync(string[] args)
    {
        var leads = int.Parse(LoadDriver.Option(args, "--leads", "2000"));
        var rounds = int.Parse(LoadDriver.Option(args, "--rounds", "6"));
        var concurrency = int.Parse(LoadDriver.Option(args, "--concurrency", "64"));
        var provider = LoadDriver.Option(args, "--storage", "sqlite");
        await using var postgres = provider == "postgres" ? new PostgresServer() : null;
        if (postgres is not null)
        {
            await postgres.InitializeAsync();
        }

        await using var app = new ScrmApp(postgres is null ? null : StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()), LeadsBenchmark.SalesTeam());
        var intake = app.Services.GetRequiredService<LeadIntake>();
        var routing = app.Services.GetRequiredService<LeadRouting>();
        Console.WriteLine($"Lead effects: intake + routing of {leads:N0} new leads per round, {concurrency} at a time, {rounds} rounds each way alternating, {provider}, {Environment.ProcessorCount} cores");

        var serial = 0;
        async Task<double> RoundAsync(bool keyed)
        {
            var first = serial;
            serial += leads;
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(first, leads), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, ct) =>
            {
                var draft = new LeadDraft($"bench:{n}", "web", CustomerKey: $"bench-customer:{n}", Name: "客户", Phone: $"+86 139 {n:D8}", Message: "想了解企业版价格");
                if (keyed)
                {
                    var lead = (await intake.IntakeAsync(draft, $"bench-instance-{n}:create:0", ct)).Outcome;
                    await routing.RouteAsync(lead.LeadId, "workflow", $"bench-instance-{n}:route:0", ct);
                }
                else
                {
                    var lead = await intake.IntakeAsync(draft, ct);
                    await routing.RouteAsync(lead.LeadId, "workflow", ct);
                }
            });
            return leads / clock.Elapsed.TotalSeconds;
        }

        // A first round each way warms the JIT and the stores up; it is not counted.
        await RoundAsync(keyed: false);
        await RoundAsync(keyed: true);
        var without = new List<double>();
        var with = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            // Alternate which goes first: the store grows as rounds go by.
            var order = round % 2 == 1 ? new[] { false, true } : [true, false];
            foreach (var keyed in order)
            {
                var rate = await RoundAsync(keyed);
                (keyed ? with : without).Add(rate);
                Console.WriteLine($"round {round}: {(keyed ? "outcomes recorded (keyed)" : "no outcomes (no key)    ")} {rate,8:N0} leads/s (intake + routing)");
            }
        }

        var median = (List<double> rates) => rates.Order().ElementAt(rates.Count / 2);
        Console.WriteLine($"median: no outcomes {median(without):N0} leads/s, outcomes recorded {median(with):N0} leads/s: ratio {median(with) / median(without):N2}");
    }
}
