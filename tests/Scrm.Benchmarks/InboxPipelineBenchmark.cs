using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Community.Storage;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Inbound to classified and assigned with the whole pipeline running: WeChat Official Account text
/// callbacks (signed, plain mode) posted over loopback HTTP to the real host at a steady rate, each
/// from a new customer, through the journal, identity resolution, the conversation consumer, the
/// shipped <c>community-replies</c> workflow (classify, assign, service-level timers) and the index.
/// Measured per message from its acknowledgement (the callback's answer) to the assignment of its
/// conversation (the conversation is classified before it is assigned); the acknowledgement latency of
/// the same posts is the baseline. A warm-up at the same rate comes first (a fresh process compiles).
/// </summary>
internal static class InboxPipelineBenchmark
{
    public const string Usage = "  inbox-pipeline [--rate 500] [--seconds 20] [--warmup-seconds 10]";

    private const string Token = "benchtoken";

    private static readonly string[] Texts =
    [
        "请问什么时候发货？", "快递三天了还没到，怎么回事", "衣服很好看，穿着舒服", "这个多少钱一件？想买两件", "包装破了，里面的东西也坏了",
        "客服态度太差了", "请问有发票吗", "质量不错，下次还来买", "是正品吗？", "周末营业吗？",
    ];

    public static async Task RunAsync(string[] args)
    {
        var rate = int.Parse(LoadDriver.Option(args, "--rate", "500"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(LoadDriver.Option(args, "--seconds", "20"), CultureInfo.InvariantCulture);
        var warmupSeconds = int.Parse(LoadDriver.Option(args, "--warmup-seconds", "10"), CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Scrm:Connectors:WeChat:Accounts:brand:AppId"] = "wx1234567890abcdef",
            ["Scrm:Connectors:WeChat:Accounts:brand:Token"] = Token,
            ["Scrm:Community:Assignment:Teams:0:Name"] = "care",
            ["Scrm:Community:Assignment:Teams:0:TeamLead"] = "lead-0",
        };
        for (var i = 0; i < 20; i++)
        {
            settings[$"Scrm:Community:Assignment:Teams:0:Agents:{i}:Id"] = $"agent-{i}";
            settings[$"Scrm:Community:Assignment:Teams:0:Agents:{i}:Capacity"] = "1000000";
        }

        Console.WriteLine($"Inbox pipeline benchmark: WeChat text callbacks at {rate}/s for {seconds} s (after {warmupSeconds} s of warm-up), each from a new customer, " +
                          $"20 agents, {Environment.ProcessorCount} cores, SQLite, loopback HTTP");
        await using var app = new ScrmApp(StorageUnderTest.Sqlite, settings);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        (await http.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>();

        if (warmupSeconds > 0)
        {
            var warm = await OfferAsync(http, "w", rate, warmupSeconds);
            var (warmLatencies, warmMissing) = await LatenciesAsync(contexts, warm.Acked);
            Console.WriteLine($"warm-up: {warm.Acked.Count:N0} messages offered at {warm.Rate:N0}/s; ack to assigned p50 {Pct(warmLatencies, 50):N1} ms p99 {Pct(warmLatencies, 99):N1} ms ({warmMissing} not assigned)");
        }

        var steady = await OfferAsync(http, "s", rate, seconds);
        var (latencies, missing) = await LatenciesAsync(contexts, steady.Acked);
        var acks = steady.AckMs.Order().ToArray();
        Console.WriteLine($"steady: {steady.Acked.Count:N0} messages offered at {steady.Rate:N0}/s ({steady.Failed} not acknowledged)");
        Console.WriteLine($"  callback acknowledged (baseline)      p50 {Pct(acks, 50),7:N1} ms   p95 {Pct(acks, 95),7:N1} ms   p99 {Pct(acks, 99),7:N1} ms");
        Console.WriteLine($"  ack to classified and assigned        p50 {Pct(latencies, 50),7:N1} ms   p95 {Pct(latencies, 95),7:N1} ms   p99 {Pct(latencies, 99),7:N1} ms   max {latencies.LastOrDefault(),7:N0} ms   ({latencies.Length:N0} conversations, {missing} not assigned within the wait)");
        Console.WriteLine($"  share assigned within 1 s of the ack: {(latencies.Length == 0 ? 0 : latencies.Count(l => l < 1_000) / (double)(latencies.Length + missing)):P1}");
        Console.WriteLine($"process RSS: {LoadDriver.RssMegabytes():N0} MB");
    }

    private sealed record Offered(Dictionary<string, long> Acked, List<double> AckMs, double Rate, int Failed);

    /// <summary>Posts one callback every 1/rate s for <paramref name="seconds"/>; returns each customer's acknowledgement time (Unix ms).</summary>
    private static async Task<Offered> OfferAsync(HttpClient http, string run, int rate, int seconds)
    {
        var acked = new Dictionary<string, long>(StringComparer.Ordinal);
        var ackMs = new List<double>();
        var failed = 0;
        var tasks = new List<Task>();
        var total = rate * seconds;
        var clock = Stopwatch.StartNew();
        var baseId = (run == "w" ? 1_000_000_000L : 2_000_000_000L) + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000 * 10_000;
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
                var openId = $"oPipe{run}{i:D7}";
                var now = DateTimeOffset.UtcNow;
                var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                var nonce = (100_000_000 + i).ToString(CultureInfo.InvariantCulture);
                var xml = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{ts}</CreateTime>" +
                          $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{Texts[i % Texts.Length]}]]></Content><MsgId>{baseId + i}</MsgId></xml>";
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync($"/connectors/wechat/brand?signature={CallbackSignature.Compute(Token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid={openId}",
                    new StringContent(xml, Encoding.UTF8, "text/xml"));
                var ack = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                lock (acked)
                {
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acked[openId] = at;
                        ackMs.Add(ack);
                    }
                    else
                    {
                        failed++;
                    }
                }
            }));
        }

        await Task.WhenAll(tasks);
        return new Offered(acked, ackMs, total / clock.Elapsed.TotalSeconds, failed);
    }

    /// <summary>Waits (up to a minute) until every acknowledged customer's conversation is assigned; each one's ack-to-assignment time, sorted.</summary>
    private static async Task<(double[] Latencies, int Missing)> LatenciesAsync(IDbContextFactory<CommunityDbContext> contexts, Dictionary<string, long> acked)
    {
        var deadline = Stopwatch.StartNew();
        var assigned = new Dictionary<string, long>(StringComparer.Ordinal);
        while (deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            await using var db = await contexts.CreateDbContextAsync();
            var rows = await db.Conversations.AsNoTracking().Where(c => c.Contact.StartsWith("oPipe") && c.Intent != null)
                .Join(db.Assignments.AsNoTracking(), c => c.Id, a => a.ConversationId, (c, a) => new { c.Contact, a.At })
                .ToListAsync();
            assigned.Clear();
            foreach (var row in rows)
            {
                assigned[row.Contact] = assigned.TryGetValue(row.Contact, out var first) ? Math.Min(first, row.At) : row.At;
            }

            if (acked.Keys.All(assigned.ContainsKey))
            {
                break;
            }

            await Task.Delay(200);
        }

        var latencies = acked.Where(a => assigned.ContainsKey(a.Key)).Select(a => (double)Math.Max(0, assigned[a.Key] - a.Value)).Order().ToArray();
        return (latencies, acked.Count - latencies.Length);
    }

    private static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
