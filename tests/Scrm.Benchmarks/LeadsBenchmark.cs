using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Storage;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Leads through the shipped lead-conversion workflow: routed leads per second when a backlog is
/// posted at once, and webhook-to-owner-assigned latency at a steady arrival rate, with the ingest
/// acknowledgement latency of the same posts as the baseline.
/// </summary>
internal static class LeadsBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var warmup = int.Parse(LoadDriver.Option(args, "--warmup", "20000"));
        var backlog = int.Parse(LoadDriver.Option(args, "--leads", "5000"));
        var rate = int.Parse(LoadDriver.Option(args, "--rate", "500"));
        var seconds = int.Parse(LoadDriver.Option(args, "--seconds", "10"));
        await using var app = new ScrmApp(settings: SalesTeam());
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ScrmApp.KeyFor("ingest"));
        var contexts = app.Services.GetRequiredService<IDbContextFactory<LeadsDbContext>>();
        Console.WriteLine($"Leads benchmark: {warmup:N0} leads to warm up, a backlog of {backlog:N0}, then {rate}/s for {seconds} s, {Environment.ProcessorCount} cores");

        // 0. A fresh process spends its first half minute compiling (tiered JIT): the first backlog
        // shows that cost, the second what a running server does.
        if (warmup > 0)
        {
            var (warmIngested, warmRouted) = await RouteBacklogAsync(http, contexts, "warmup", warmup);
            Console.WriteLine($"warm-up (fresh process): {warmup:N0} leads ingested in {warmIngested.TotalSeconds:N2} s, " +
                              $"all routed after {warmRouted.TotalSeconds:N2} s: {warmup / warmRouted.TotalSeconds:N0} routed leads/s");
        }

        // 1. A backlog posted at once: how fast does the workflow route it?
        var (ingested, routed) = await RouteBacklogAsync(http, contexts, "backlog", backlog);
        Console.WriteLine($"backlog: {backlog:N0} leads ingested in {ingested.TotalSeconds:N2} s ({backlog / ingested.TotalSeconds:N0}/s), " +
                          $"all routed after {routed.TotalSeconds:N2} s: {backlog / routed.TotalSeconds:N0} routed leads/s");

        // 2. A steady arrival rate: time from the post to the owner's assignment, per lead.
        var steadyAfter = await LastIdAsync(contexts);
        var sent = new Dictionary<long, long>();
        var acks = new List<double>();
        var tasks = new List<Task>();
        var clock = Stopwatch.StartNew();
        var total = rate * seconds;
        for (var n = 0; n < total; n++)
        {
            var wait = TimeSpan.FromSeconds((double)n / rate) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var i = n;
            tasks.Add(Task.Run(async () =>
            {
                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/api/v1/leads", new StringContent(Lead("steady", i), Encoding.UTF8, "application/json"));
                var ack = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var position = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items")[0].GetProperty("position").GetInt64();
                lock (sent)
                {
                    sent[position] = at;
                    acks.Add(ack);
                }
            }));
        }

        await Task.WhenAll(tasks);
        var offered = clock.Elapsed;
        await WaitForOwnersAsync(contexts, steadyAfter, total);
        await using var db = await contexts.CreateDbContextAsync();
        var assigned = await db.Leads.AsNoTracking().Where(l => l.SourceKey.StartsWith("journal:") && l.AssignedAt != null)
            .Select(l => new { l.SourceKey, l.AssignedAt }).ToListAsync();
        var latencies = assigned
            .Select(l => (Position: long.Parse(l.SourceKey["journal:".Length..], System.Globalization.CultureInfo.InvariantCulture), l.AssignedAt))
            .Where(l => sent.ContainsKey(l.Position))
            .Select(l => (double)(l.AssignedAt!.Value - sent[l.Position]))
            .Order().ToArray();
        acks.Sort();
        Console.WriteLine($"steady: {total:N0} leads offered at {total / offered.TotalSeconds:N0}/s");
        Console.WriteLine($"  ingest ack (baseline)        p50 {Pct(acks, 50),7:N1} ms   p99 {Pct(acks, 99),7:N1} ms");
        Console.WriteLine($"  post to owner assigned       p50 {Pct(latencies, 50),7:N1} ms   p99 {Pct(latencies, 99),7:N1} ms   ({latencies.Length:N0} leads)");
        await PrintStagesAsync(app.Services, sent);
        Console.WriteLine($"process RSS: {LoadDriver.RssMegabytes():N0} MB");
    }

    /// <summary>One sales team of 8 reps with room for every lead, quiet logs.</summary>
    internal static Dictionary<string, string?> SalesTeam()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Scrm:Leads:Teams:0:Name"] = "sales",
            ["Scrm:Leads:Teams:0:TeamLead"] = "boss",
            ["Scrm:Leads:DefaultTeam"] = "sales",
        };
        for (var i = 0; i < 8; i++)
        {
            settings[$"Scrm:Leads:Teams:0:Reps:{i}:Id"] = $"rep-{i}";
            settings[$"Scrm:Leads:Teams:0:Reps:{i}:Capacity"] = "1000000";
        }

        return settings;
    }

    /// <summary>Posts <paramref name="count"/> leads in 100-lead batches, 4 at a time; returns when they are in and when all have an owner.</summary>
    private static async Task<(TimeSpan Ingested, TimeSpan Routed)> RouteBacklogAsync(HttpClient http, IDbContextFactory<LeadsDbContext> contexts, string run, int count)
    {
        var after = await LastIdAsync(contexts);
        var started = Stopwatch.StartNew();
        var batches = Enumerable.Range(0, (count + 99) / 100).Select(b => Enumerable.Range(b * 100, Math.Min(100, count - b * 100)).ToArray()).ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
        {
            var body = "[" + string.Join(',', batch.Select(i => Lead(run, i))) + "]";
            using var response = await http.PostAsync("/api/v1/leads", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"ingest answered {response.StatusCode}");
            }
        });
        var ingested = started.Elapsed;
        await WaitForOwnersAsync(contexts, after, count);
        return (ingested, started.Elapsed);
    }

    // Every lead is a new customer: phones differ by run (warm-up 139 2xxx…, backlog 139 0xxx…, steady 139 5xxx…).
    private static string Lead(string run, int i) =>
        $$"""{"name":"客户{{i}}","phone":"+86 139 {{(run switch { "steady" => 5000, "warmup" => 2000, _ => 0 }) + i / 10000 % 1000:D4}} {{i % 10000:D4}}","company":"{{run}}公司{{i}}","message":"想了解企业版价格","utmSource":"baidu","externalId":"{{run}}-{{i}}"}""";

    private static async Task<long> LastIdAsync(IDbContextFactory<LeadsDbContext> contexts)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await db.Leads.MaxAsync(l => (long?)l.Id) ?? 0;
    }

    /// <summary>Waits until <paramref name="expected"/> leads after id <paramref name="after"/> have an owner (a range of the key: the poll stays cheap as the table grows).</summary>
    private static async Task WaitForOwnersAsync(IDbContextFactory<LeadsDbContext> contexts, long after, int expected)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using var db = await contexts.CreateDbContextAsync();
            if (await db.Leads.CountAsync(l => l.Id > after && l.Owner != null) >= expected)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The leads were not all routed within 5 minutes.");
    }

    /// <summary>
    /// Where a steady lead's time goes, from the moments the stores recorded: the journal's receipt,
    /// the customer's creation (the start of the resolution batch that made it), the workflow
    /// instance's start, the lead's creation (the start of its intake batch) and the assignment.
    /// Each line is measured from the post, so the gaps between lines are the stages.
    /// </summary>
    private static async Task PrintStagesAsync(IServiceProvider services, Dictionary<long, long> sent)
    {
        var positions = sent.Keys.ToList();
        var received = new Dictionary<long, long>();
        await using (var journal = await services.GetRequiredService<IDbContextFactory<Scrm.Ingestion.Journal.JournalDbContext>>().CreateDbContextAsync())
        {
            foreach (var chunk in positions.Chunk(500))
            {
                foreach (var row in await journal.Items.AsNoTracking().Where(x => chunk.Contains(x.Position)).Select(x => new { x.Position, x.ReceivedAt }).ToListAsync())
                {
                    received[row.Position] = row.ReceivedAt;
                }
            }
        }

        var resolved = new Dictionary<long, long>();
        await using (var customers = await services.GetRequiredService<IDbContextFactory<Scrm.Customers.Model.CustomersDbContext>>().CreateDbContextAsync())
        {
            foreach (var chunk in positions.Chunk(500))
            {
                var rows = await customers.Timeline.AsNoTracking().Where(t => t.Position != null && chunk.Contains(t.Position.Value))
                    .Join(customers.Customers.AsNoTracking(), t => t.CustomerId, c => c.Id, (t, c) => new { t.Position, c.CreatedAt }).ToListAsync();
                foreach (var row in rows)
                {
                    resolved[row.Position!.Value] = row.CreatedAt;
                }
            }
        }

        var leads = new Dictionary<long, (long Id, long Created, long? Assigned)>();
        await using (var db = await services.GetRequiredService<IDbContextFactory<LeadsDbContext>>().CreateDbContextAsync())
        {
            foreach (var row in await db.Leads.AsNoTracking().Where(l => l.SourceKey.StartsWith("journal:")).Select(l => new { l.Id, l.SourceKey, l.CreatedAt, l.AssignedAt }).ToListAsync())
            {
                var position = long.Parse(row.SourceKey["journal:".Length..], System.Globalization.CultureInfo.InvariantCulture);
                if (sent.ContainsKey(position))
                {
                    leads[position] = (row.Id, row.CreatedAt, row.AssignedAt);
                }
            }
        }

        var started = new Dictionary<string, (long Created, long Updated)>(StringComparer.Ordinal);
        await using (var workflows = await services.GetRequiredService<IDbContextFactory<Scrm.Workflows.Storage.WorkflowsDbContext>>().CreateDbContextAsync())
        {
            var correlations = leads.Values.Select(l => $"lead:{l.Id}").ToList();
            foreach (var chunk in correlations.Chunk(500))
            {
                foreach (var row in await workflows.Instances.AsNoTracking().Where(i => i.CorrelationId != null && chunk.Contains(i.CorrelationId)).Select(i => new { i.CorrelationId, i.CreatedAt, i.UpdatedAt }).ToListAsync())
                {
                    started[row.CorrelationId!] = (row.CreatedAt, row.UpdatedAt);
                }
            }
        }

        double[] From(Func<long, long?> at) => [.. sent.Select(s => at(s.Key) is { } t ? (double)(t - s.Value) : double.NaN).Where(d => !double.IsNaN(d)).Order()];
        long? Instance(long position, bool updated) =>
            leads.TryGetValue(position, out var lead) && started.TryGetValue($"lead:{lead.Id}", out var i) ? (updated ? i.Updated : i.Created) : null;
        Console.WriteLine("  where the time goes (each from the post):");
        foreach (var (name, values) in new (string, double[])[]
                 {
                     ("journal received", From(p => received.TryGetValue(p, out var r) ? r : null)),
                     ("customer created (resolution)", From(p => resolved.TryGetValue(p, out var r) ? r : null)),
                     ("workflow instance started", From(p => Instance(p, updated: false))),
                     ("lead created (intake)", From(p => leads.TryGetValue(p, out var l) ? l.Created : null)),
                     ("owner assigned (route)", From(p => leads.TryGetValue(p, out var l) ? l.Assigned : null)),
                     ("instance committed", From(p => Instance(p, updated: true))),
                 })
        {
            Console.WriteLine($"    {name,-30} p50 {Pct(values, 50),7:N1} ms   p99 {Pct(values, 99),7:N1} ms   ({values.Length:N0})");
        }
    }

    private static double Pct(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Pct(List<double> sorted, double p) => Pct(sorted.ToArray(), p);
}
