using System.Diagnostics;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Access;
using Scrm.Access.People;
using Scrm.Customers;
using Scrm.Customers.Model;
using Scrm.Customers.View;
using Scrm.Ingestion;
using Scrm.Leads;
using Scrm.Leads.Api;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Security;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// What data scopes cost on the two reads people make most: the lead queue and the 360° customer
/// view. Each sample runs the unscoped read (what an admin gets, and what every key got before
/// scopes) and the scoped read of a team lead (principal's scope claims, the caller built from
/// them, the owner filter in the query) back to back on the same data, so both see the same cache
/// and machine load; the ratio of their p95 is the scope's cost. The lead queue is measured for the
/// team lead and for one of their reps.
/// </summary>
internal static class AccessBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var customers = int.Parse(LoadDriver.Option(args, "--customers", "50000"), System.Globalization.CultureInfo.InvariantCulture);
        var leads = int.Parse(LoadDriver.Option(args, "--leads", "50000"), System.Globalization.CultureInfo.InvariantCulture);
        var samples = int.Parse(LoadDriver.Option(args, "--samples", "2000"), System.Globalization.CultureInfo.InvariantCulture);
        const int Teams = 20, RepsPerTeam = 10;
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Scrm:Scheduling:Store"] = "Memory" };
        for (var t = 0; t < Teams; t++)
        {
            settings[$"Scrm:Leads:Teams:{t}:Name"] = $"team-{t}";
            settings[$"Scrm:Leads:Teams:{t}:TeamLead"] = $"lead-{t}";
            for (var r = 0; r < RepsPerTeam; r++)
            {
                settings[$"Scrm:Leads:Teams:{t}:Reps:{r}:Id"] = $"rep-{t * RepsPerTeam + r}";
            }
        }

        Console.WriteLine($"Access benchmark: {customers:N0} customers and {leads:N0} leads owned by {Teams * RepsPerTeam} reps in {Teams} teams, {samples:N0} samples, {Environment.ProcessorCount} cores");
        await using var host = await ModuleHost.StartAsync(StorageUnderTest.Sqlite,
            (s, c) => s.AddScrmAccess(c).AddScrmIngestion(c).AddScrmCustomers(c).AddScrmLeads(c), settings);

        var seed = Stopwatch.StartNew();
        for (var start = 0; start < customers; start += 1000)
        {
            await CustomersBenchmark.HandleAsync(host, Enumerable.Range(start, Math.Min(1000, customers - start)).Select(i => CustomersBenchmark.Lead(i, i)).ToList());
        }

        var intake = host.Get<LeadIntake>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < leads; i += 8)
            {
                await intake.IntakeAsync(new LeadDraft($"bench:{i}", "web", Name: $"客户{i}", Company: "示例科技"), CancellationToken.None);
            }
        })));
        var reps = Teams * RepsPerTeam;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CustomersDbContext>().Database
                .ExecuteSqlAsync($"UPDATE customers SET owner_id = 'rep-' || (rowid % {reps})");
        }

        await using (var db = await host.Get<IDbContextFactory<LeadsDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE leads SET owner = 'rep-' || (id % {reps}), team = 'team-' || ((id % {reps}) / {RepsPerTeam})");
        }

        Console.WriteLine($"seeded in {seed.Elapsed.TotalSeconds:N1} s");

        // The team lead of team-3: their own records and their ten reps'; and rep-31, one of those reps.
        var directory = host.Get<AccessDirectory>();
        Caller Person(string id)
        {
            var claims = new List<Claim> { new(ClaimTypes.Name, id), new(ScrmClaims.UserId, id), new(ClaimTypes.Role, ScrmRoles.Sales) };
            claims.AddRange(directory.Current.ScopeClaims(id, [ScrmRoles.Sales]));
            return Caller.Of(new ClaimsPrincipal(new ClaimsIdentity(claims, "ApiKey")));
        }

        Caller TeamLead() => Person("lead-3");

        var everyone = new Caller("admin", ScrmRoles.Admin);
        var scoped = TeamLead();
        Console.WriteLine($"team lead reaches {scoped.Scope(DataResources.Leads).Owners!.Count} owners");
        var queries = host.Get<LeadQueries>();
        var pages = await PairsAsync(samples,
            () => queries.QueueAsync(null, null, null, null, null, 50, CancellationToken.None, everyone.Scope(DataResources.Leads)),
            () => queries.QueueAsync(null, null, null, null, null, 50, CancellationToken.None, TeamLead().Scope(DataResources.Leads)));
        Report("lead queue, 50 newest", pages);
        var rep = await PairsAsync(samples,
            () => queries.QueueAsync(null, null, null, null, null, 50, CancellationToken.None, everyone.Scope(DataResources.Leads)),
            () => queries.QueueAsync(null, null, null, null, null, 50, CancellationToken.None, Person("rep-31").Scope(DataResources.Leads)));
        Report("lead queue, 50 newest, a rep", rep, "rep's scope");

        List<Guid> ids;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            ids = await scope.ServiceProvider.GetRequiredService<CustomersDbContext>().Customers.AsNoTracking()
                .Where(c => c.OwnerId != null && scoped.Scope(DataResources.Customers).Owners!.Contains(c.OwnerId)).Select(c => c.Id).ToListAsync();
        }

        var random = new Random(3);
        var views = await PairsAsync(samples,
            () => ViewAsync(host, ids[random.Next(ids.Count)], everyone),
            () => ViewAsync(host, ids[random.Next(ids.Count)], TeamLead()));
        Report("360 view of a customer", views);
        Console.WriteLine($"process RSS: {LoadDriver.RssMegabytes():N0} MB");
    }

    private static async Task<CustomerView?> ViewAsync(ModuleHost host, Guid id, Caller caller)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CustomerReader>().GetAsync(id, caller, null, 50, CancellationToken.None)
            ?? throw new InvalidOperationException("A customer in scope was not found.");
    }

    /// <summary>Unscoped and scoped reads, alternating, after a warm-up of both.</summary>
    private static async Task<(double[] Baseline, double[] Scoped)> PairsAsync<T>(int samples, Func<Task<T>> baseline, Func<Task<T>> scoped)
    {
        for (var i = 0; i < 100; i++)
        {
            await baseline();
            await scoped();
        }

        var a = new double[samples];
        var b = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            await baseline();
            a[i] = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await scoped();
            b[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(a);
        Array.Sort(b);
        return (a, b);
    }

    private static void Report(string what, (double[] Baseline, double[] Scoped) times, string scope = "team lead's scope")
    {
        double P(double[] t, double p) => CustomersBenchmark.Percentile(t, p);
        Console.WriteLine($"{what + ", unscoped (baseline)",-48} p50 {P(times.Baseline, 50),6:N3} ms   p95 {P(times.Baseline, 95),6:N3} ms   p99 {P(times.Baseline, 99),6:N3} ms");
        Console.WriteLine($"{what + ", " + scope,-48} p50 {P(times.Scoped, 50),6:N3} ms   p95 {P(times.Scoped, 95),6:N3} ms   p99 {P(times.Scoped, 99),6:N3} ms");
        Console.WriteLine($"{what + ": scoped / unscoped p95",-48} {P(times.Scoped, 95) / P(times.Baseline, 95),6:N3}");
    }
}
