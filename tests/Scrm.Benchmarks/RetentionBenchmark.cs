using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Journal;
using Scrm.Testing;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.History;
using Scrm.Workflows.Runtime;

namespace Scrm.Benchmarks;

/// <summary>
/// Ingest latency of <c>POST /api/v1/mentions</c> (one mention per request, every consumer running)
/// while the retention jobs delete history in the background, against windows of the same run without
/// them, on SQLite and PostgreSQL. Windows alternate (without, with, without, with ...) so warm-up and
/// the machine's load fall on both sides. The job is the product's own sweeps (workflow history and
/// journal) with their shipped batch sizes and pauses, run back to back for the whole window over
/// history seeded past its time.
/// </summary>
internal static class RetentionBenchmark
{
    public const string Usage = "  retention [--storage both|sqlite|postgres] [--history 60000] [--mentions 4000] [--clients 32] [--seconds 10] [--rounds 3]";

    public static async Task RunAsync(string[] args)
    {
        var providers = LoadDriver.Option(args, "--storage", "both") switch
        {
            "both" => new[] { "sqlite", "postgres" },
            var one => [one],
        };
        var history = int.Parse(LoadDriver.Option(args, "--history", "60000"));
        var mentions = int.Parse(LoadDriver.Option(args, "--mentions", "4000"));
        var clients = int.Parse(LoadDriver.Option(args, "--clients", "32"));
        var seconds = double.Parse(LoadDriver.Option(args, "--seconds", "10"));
        var rounds = int.Parse(LoadDriver.Option(args, "--rounds", "3"));
        var texts = StorageBenchmark.ReadTexts();
        Console.WriteLine($"Retention benchmark: {history:N0} ended instances and {mentions:N0} mentions seeded past their time, then {rounds} x (without the job, with it) windows of {seconds} s, "
            + $"{clients} clients posting one mention per request, {Environment.ProcessorCount} cores, load average {LoadAverage()}");

        var summary = new List<string>();
        foreach (var provider in providers)
        {
            await using var postgres = provider == "postgres" ? new PostgresServer() : null;
            if (postgres is not null)
            {
                await postgres.InitializeAsync();
            }

            var storage = postgres is null ? StorageUnderTest.Sqlite : StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
            summary.Add(await ProviderAsync(storage, texts, history, mentions, clients, TimeSpan.FromSeconds(seconds), rounds));
        }

        Console.WriteLine();
        foreach (var line in summary)
        {
            Console.WriteLine(line);
        }
    }

    private static async Task<string> ProviderAsync(StorageUnderTest storage, string[] texts, int history, int mentions, int clients, TimeSpan window, int rounds)
    {
        await using var app = new ScrmApp(storage, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // The background services stay idle; the benchmark runs the same sweeps itself, only in the "with" windows.
            ["Scrm:Workflows:History:Enabled"] = "false",
            ["Scrm:Journal:Retention:PayloadsFor"] = "1.00:00:00",
            ["Scrm:Journal:Retention:KeysFor"] = "7.00:00:00",
            ["Scrm:Journal:Retention:SweepInterval"] = "30.00:00:00",
        });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ScrmApp.KeyFor("ingest"));
        Console.WriteLine($"== {storage}");

        var seed = Stopwatch.StartNew();
        await SeedHistoryAsync(app, texts, history);
        Console.WriteLine($"seeded {history:N0} ended instances with their logs in {seed.Elapsed.TotalSeconds:N1} s");
        seed.Restart();
        for (var first = 0; first < mentions; first += 500)
        {
            var body = JsonSerializer.Serialize(Enumerable.Range(first, Math.Min(500, mentions - first)).Select(n => Mention(texts, "seed", n)).ToList());
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/api/v1/mentions", content);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"seed: {(int)response.StatusCode}");
            }
        }

        await CaughtUpAsync(app);
        Console.WriteLine($"seeded {mentions:N0} mentions through the API, every consumer caught up in {seed.Elapsed.TotalSeconds:N1} s, load average {LoadAverage()}");

        var historySweeps = app.Services.GetRequiredService<HistoryRetention>();
        var journalSweeps = app.Services.GetRequiredService<JournalRetention>();
        var later = TimeSpan.FromDays(100);
        Console.WriteLine($"seeded instances due before the windows: {await DueAsync(historySweeps, later):N0}");

        // Warm-up: the first requests of a process pay for JIT and connection set-up on neither side.
        await LoadDriver.RunAsync("warm-up", clients, TimeSpan.FromSeconds(2), long.MaxValue, (_, n) => PostAsync(http, Mention(texts, "warm", n)));

        var without = new List<double>();
        var with = new List<double>();
        long requestsWithout = 0, requestsWith = 0, instances = 0, payloads = 0, rows = 0;
        var sent = 0L;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var job in new[] { false, true })
            {
                using var stop = new CancellationTokenSource();
                long cleared = 0, removed = 0, sweeps = 0;
                var dueBefore = job ? await DueAsync(historySweeps, later) : 0;
                // Two loops, as the product runs two background services; each starts its next sweep as soon as one ends.
                async Task LoopAsync(Func<DateTimeOffset, Task> sweep)
                {
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            await sweep(DateTimeOffset.UtcNow + later);
                        }
                        catch (OperationCanceledException) when (stop.IsCancellationRequested)
                        {
                            return;
                        }
                    }
                }

                var sweeping = !job ? Task.CompletedTask : Task.WhenAll(
                    Task.Run(() => LoopAsync(async now =>
                    {
                        await historySweeps.SweepAsync(now, stop.Token);
                        Interlocked.Increment(ref sweeps);
                    })),
                    Task.Run(() => LoopAsync(async now =>
                    {
                        var journal = await journalSweeps.SweepAsync(now, stop.Token);
                        Interlocked.Add(ref cleared, journal.PayloadsCleared);
                        Interlocked.Add(ref removed, journal.RowsDeleted);
                    })));
                var offset = Interlocked.Add(ref sent, 10_000_000);
                var result = await LoadDriver.RunAsync(job ? "with the retention job" : "without it", clients, window, long.MaxValue,
                    (_, n) => PostAsync(http, Mention(texts, "load", offset + n)));
                await stop.CancelAsync();
                await sweeping;
                // A sweep stopped mid-way has still deleted its finished batches: counted from what is left.
                var deleted = job ? dueBefore - await DueAsync(historySweeps, later) : 0;
                Console.WriteLine($"round {round + 1} {result}" + (job ? $"; job: {sweeps} whole history sweeps, {deleted:N0} seeded instances deleted ({deleted / window.TotalSeconds:N0}/s) besides the shipped workflows' fresh runs, {cleared:N0} journal payloads cleared, {removed:N0} journal rows deleted" : ""));
                (job ? with : without).AddRange(result.LatenciesMs);
                if (job)
                {
                    requestsWith += result.Requests;
                    instances += deleted;
                    payloads += cleared;
                    rows += removed;
                }
                else
                {
                    requestsWithout += result.Requests;
                }
            }
        }

        var left = await DueAsync(historySweeps, later);
        without.Sort();
        with.Sort();
        var p99Without = Percentile(without, 99);
        var p99With = Percentile(with, 99);
        var line = $"{storage}: ingest p99 {p99Without:N1} ms without the job, {p99With:N1} ms with it (ratio {p99With / p99Without:N2}); "
            + $"p50 {Percentile(without, 50):N1} -> {Percentile(with, 50):N1} ms; {requestsWithout / (rounds * window.TotalSeconds):N0} -> {requestsWith / (rounds * window.TotalSeconds):N0} req/s; "
            + $"the job deleted {instances:N0} seeded instances and {rows:N0} journal rows and cleared {payloads:N0} payloads ({left:N0} seeded instances still due at the end"
            + (left == 0 ? ": the seed ran out, so part of a window had little to delete)" : ")")
            + $"; load average {LoadAverage()}";
        Console.WriteLine(line);
        return line;
    }

    private const string SeedDefinition = """
        { "id": "retention-seed", "name": "Ends at once (seeded history)",
          "triggers": [{ "id": "onSeed", "type": "trigger.event", "inputs": { "event": "retention.seed" } }],
          "activities": [
            { "id": "intent", "type": "if", "inputs": { "condition": { "js": "String(input.payload.text).includes('价格')" } } },
            { "id": "note", "type": "setVariable", "inputs": { "name": "seen", "value": { "js": "input.payload.author.id" } } },
            { "id": "end", "type": "end" }
          ],
          "connections": [
            { "source": "onSeed", "target": "intent" },
            { "source": "intent", "outcome": "true", "target": "note" },
            { "source": "intent", "outcome": "false", "target": "note" },
            { "source": "note", "target": "end" }
          ] }
        """;

    /// <summary>Ended instances with state and log like the shipped workflows' (a mention as input), started directly on the engine.</summary>
    private static async Task SeedHistoryAsync(ScrmApp app, string[] texts, int count)
    {
        var store = app.Services.GetRequiredService<DefinitionStore>();
        var definition = DefinitionJson.Parse(SeedDefinition, 1 << 20).Definition!;
        if ((await store.CreateAsync(definition, CancellationToken.None)).Outcome != SaveOutcome.Saved)
        {
            throw new InvalidOperationException("the seed definition was refused");
        }

        await store.PublishAsync(definition.Id, CancellationToken.None);
        var runtime = app.Services.GetRequiredService<WorkflowRuntime>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) * 250 < count)
            {
                var stimuli = Enumerable.Range(b * 250, Math.Min(250, count - b * 250))
                    .Select(n => new Stimulus("event:retention.seed", [""], new JsonObject
                    {
                        ["kind"] = "mention",
                        ["channel"] = "weibo",
                        ["payload"] = JsonNode.Parse(JsonSerializer.Serialize(Mention(texts, "history", n))),
                    }))
                    .ToList();
                await runtime.DispatchAsync(stimuli, keepUnmatched: false, CancellationToken.None);
            }
        })));
    }

    private static async Task<long> DueAsync(HistoryRetention retention, TimeSpan later) =>
        (await retention.DueAsync(DateTimeOffset.UtcNow + later, CancellationToken.None)).Where(d => d.DefinitionId == "retention-seed").Sum(d => d.Instances);

    private static async Task CaughtUpAsync(ScrmApp app)
    {
        var reader = app.Services.GetRequiredService<JournalReader>();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(15))
        {
            var stats = await reader.StatsAsync(CancellationToken.None);
            if (stats.Consumers.Count > 0 && stats.Consumers.All(c => c.Lag == 0))
            {
                return;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("the consumers did not catch up within 15 minutes");
    }

    private static object Mention(string[] texts, string prefix, long n)
    {
        var author = n % 5_000;
        return new
        {
            source = "weibo",
            externalId = $"{prefix}{n}",
            author = new { id = $"wb{author}", name = $"微博用户{author}" },
            text = texts[n % texts.Length],
            url = $"https://weibo.com/{author}/{prefix}{n}",
            createdAt = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000 + (n % 10_000_000)).ToString("O"),
        };
    }

    private static async Task<(int, bool)> PostAsync(HttpClient http, object mention)
    {
        using var content = new StringContent(JsonSerializer.Serialize(mention), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/mentions", content);
        return (1, response.StatusCode == HttpStatusCode.Accepted);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
