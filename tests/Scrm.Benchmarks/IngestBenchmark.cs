using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Durable acknowledgements per second for <c>POST /api/v1/mentions</c> on the embedded default, with
/// the same host answering a no-op endpoint as the baseline measured in the same run.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var clients = int.Parse(LoadDriver.Option(args, "--clients", "64"));
        var seconds = double.Parse(LoadDriver.Option(args, "--seconds", "10"));
        var maxRequests = long.Parse(LoadDriver.Option(args, "--max-requests", "2000000"));
        var storageArg = LoadDriver.Option(args, "--storage", "sqlite");
        var storage = storageArg.StartsWith("postgres=", StringComparison.Ordinal)
            ? StorageUnderTest.Postgres(storageArg["postgres=".Length..])
            : StorageUnderTest.Sqlite;
        var duration = TimeSpan.FromSeconds(seconds);
        var only = LoadDriver.Option(args, "--only", "");
        var consumers = LoadDriver.Option(args, "--consumers", "on") != "off";
        var sync = LoadDriver.Option(args, "--sync", "Full");
        bool Runs(string scenario) => only.Length == 0 || only == scenario;

        await using var app = new ScrmApp(storage, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Scrm:Journal:RunConsumers"] = consumers ? "true" : "false",
            ["Scrm:Journal:SqliteSynchronous"] = sync,
        }, services => services.AddSingleton<IStartupFilter, NoOpEndpoint>());
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ScrmApp.KeyFor("ingest"));
        var runId = Guid.NewGuid().ToString("N")[..8];

        Console.WriteLine($"Ingest benchmark: {clients} clients, {seconds} s per scenario, storage {storage} (journal synchronous {sync}), consumers {(consumers ? "running" : "paused")}, {Environment.ProcessorCount} cores");
        await WarmUpAsync(http, runId);

        var empty = new LoadDriver.Result("skipped", 0, 0, 0, TimeSpan.FromSeconds(1), []);
        var baseline = !Runs("noop") ? empty : await LoadDriver.RunAsync("no-op endpoint (baseline)", clients, duration, maxRequests,
            async (_, _) => (1, await PostAsync(http, "/bench/noop", Mention(runId, "noop", 0))));
        Console.WriteLine(baseline);

        var single = !Runs("single") ? empty : await LoadDriver.RunAsync("mentions, 1 per request", clients, duration, maxRequests,
            async (_, n) => (1, await PostAsync(http, "/api/v1/mentions", Mention(runId, "s", n))));
        Console.WriteLine(single);

        var batch = !Runs("batch") ? empty : await LoadDriver.RunAsync("mentions, 100 per request", clients, duration, maxRequests / 100,
            async (_, n) => (100, await PostAsync(http, "/api/v1/mentions", Batch(runId, n, 100))));
        Console.WriteLine(batch);

        var duplicates = !Runs("duplicates") ? empty : await LoadDriver.RunAsync("mentions, 50% repeats", clients, duration, maxRequests,
            async (_, n) => (1, await PostAsync(http, "/api/v1/mentions", Mention(runId, "s", n % 2 == 0 ? n : n / 2))));
        Console.WriteLine(duplicates);

        var writer = app.Services.GetRequiredService<JournalWriter>();
        var stats = await app.Services.GetRequiredService<JournalReader>().StatsAsync(CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"single-item throughput vs no-op baseline: {single.RequestsPerSecond / baseline.RequestsPerSecond:P0}");
        Console.WriteLine($"p99 single-item ack: {single.Percentile(99):N2} ms (baseline {baseline.Percentile(99):N2} ms)");
        Console.WriteLine($"duplicate-heavy vs all-new throughput: {duplicates.RequestsPerSecond / single.RequestsPerSecond:P0}");
        Console.WriteLine($"journal: {stats.Appended:N0} appended, {stats.Duplicates:N0} duplicates, {writer.Commits:N0} commits " +
                          $"({(stats.Appended + stats.Duplicates) / (double)Math.Max(1, writer.Commits):N1} items per commit)");
        Console.WriteLine($"process RSS: {LoadDriver.RssMegabytes():N0} MB");
    }

    private static async Task WarmUpAsync(HttpClient http, string runId)
    {
        for (var i = 0; i < 2_000; i++)
        {
            await PostAsync(http, "/bench/noop", Mention(runId, "w", i));
            await PostAsync(http, "/api/v1/mentions", Mention(runId, "w", i));
        }
    }

    private static async Task<bool> PostAsync(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content);
        return response.StatusCode == HttpStatusCode.Accepted;
    }

    private static string Mention(string runId, string prefix, long n) =>
        $$"""{"source":"bench","externalId":"{{runId}}-{{prefix}}-{{n}}","author":{"id":"u{{n % 997}}","name":"用户{{n % 997}}"},"text":"这个CRM产品的客户管理功能很好用，请问价格是多少？#{{n}}","url":"https://weibo.com/{{n}}","createdAt":"2026-11-24T10:00:00+08:00"}""";

    private static string Batch(string runId, long n, int size) =>
        "[" + string.Join(',', Enumerable.Range(0, size).Select(i => Mention(runId, "b", n * size + i))) + "]";

    /// <summary>The baseline: the same pipeline (Kestrel, API key auth, reading the body) answering without parsing or storing.</summary>
    private sealed class NoOpEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path == "/bench/noop")
                {
                    var auth = await context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationService>()
                        .AuthenticateAsync(context, null);
                    await context.Request.Body.CopyToAsync(Stream.Null);
                    context.Response.StatusCode = auth.Succeeded ? StatusCodes.Status202Accepted : StatusCodes.Status401Unauthorized;
                    return;
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
