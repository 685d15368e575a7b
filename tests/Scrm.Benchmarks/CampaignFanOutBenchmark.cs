using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Campaigns.Storage;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// A campaign's fan-out at scale on the embedded store: N customers with a phone and SMS consent (a
/// share of them already contacted this week, so the frequency cap holds them back), one segment, one
/// SMS campaign started through the API and sent through the real sender (claim with the cap in the
/// transaction, the outbound ledger, the channel contract) to an SMS gateway on the loopback. The
/// baseline in the same run is the same number of bare POSTs to the same gateway at the same
/// parallelism, without the product in between; the figure is the ratio of the two times.
/// </summary>
internal static class CampaignFanOutBenchmark
{
    public const string Usage = "  campaign-fanout [--recipients 1000000] [--capped 10] [--batch 1000] [--parallelism 16] [--max-seconds 1800]";

    private const string GatewayKey = "bench-sms-key";

    public static async Task RunAsync(string[] args)
    {
        var recipients = int.Parse(LoadDriver.Option(args, "--recipients", "1000000"), CultureInfo.InvariantCulture);
        var cappedPercent = int.Parse(LoadDriver.Option(args, "--capped", "10"), CultureInfo.InvariantCulture);
        var batch = int.Parse(LoadDriver.Option(args, "--batch", "1000"), CultureInfo.InvariantCulture);
        var parallelism = int.Parse(LoadDriver.Option(args, "--parallelism", "16"), CultureInfo.InvariantCulture);
        var maxSeconds = int.Parse(LoadDriver.Option(args, "--max-seconds", "1800"), CultureInfo.InvariantCulture);
        Console.WriteLine($"Campaign fan-out benchmark: {recipients:N0} recipients ({cappedPercent} % over the frequency cap), SMS to a loopback gateway, batch {batch}, parallelism {parallelism}, {Environment.ProcessorCount} cores, SQLite");

        await using var gateway = await Gateway.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Scrm:Scheduling:Store"] = "Memory",
            ["Scrm:Campaigns:Sms:GatewayUrl"] = gateway.Url.ToString(),
            ["Scrm:Campaigns:Sms:ApiKey"] = GatewayKey,
            ["Scrm:Campaigns:Sms:Signature"] = "【好物商城】",
            ["Scrm:Campaigns:FrequencyCap"] = "1",
            ["Scrm:Campaigns:QuietHoursStart"] = "00:00",
            ["Scrm:Campaigns:QuietHoursEnd"] = "00:00",
            ["Scrm:Campaigns:SendPollInterval"] = "00:00:00.100",
            ["Scrm:Campaigns:IndexSettleTime"] = "00:00:00",
            ["Scrm:Campaigns:IndexPollInterval"] = "00:00:00.500",
            ["Scrm:Campaigns:IndexBatchSize"] = "20000",
            ["Scrm:Campaigns:SendBatchSize"] = batch.ToString(CultureInfo.InvariantCulture),
            ["Scrm:Campaigns:SendParallelism"] = parallelism.ToString(CultureInfo.InvariantCulture),
            // The gateway's own limit is the operator's setting; here the loopback gateway takes whatever comes.
            ["Scrm:Campaigns:Rates:sms"] = "1000000",
        };
        await using var app = new ScrmApp(StorageUnderTest.Sqlite, settings);
        using var marketer = app.ClientFor("marketer");
        (await marketer.GetAsync("/health/ready")).EnsureSuccessStatusCode();

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var watch = Stopwatch.StartNew();
        var capped = await SeedAsync(app, recipients, cappedPercent, now - 5_000);
        Console.WriteLine($"seeded {recipients:N0} customers ({capped:N0} contacted this week) in {watch.Elapsed.TotalSeconds:N1} s");

        var rule = new { fact = "tier", op = "in", values = new[] { "gold" } };
        watch.Restart();
        var indexed = -1;
        var shown = Stopwatch.StartNew();
        await PollAsync(async () =>
        {
            var preview = await marketer.PostAsJsonAsync("/api/v1/segments/preview?sample=0", rule);
            indexed = preview.IsSuccessStatusCode ? (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32() : -(int)preview.StatusCode;
            if (shown.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"  fact index: {indexed:N0} of {recipients:N0} after {watch.Elapsed.TotalSeconds:N0} s");
                shown.Restart();
            }

            return indexed == recipients;
        }, TimeSpan.FromSeconds(maxSeconds));
        Console.WriteLine($"fact index caught up with {recipients:N0} customers in {watch.Elapsed.TotalSeconds:N1} s");

        var created = await marketer.PostAsJsonAsync("/api/v1/segments", new { name = "金卡会员", rule });
        created.EnsureSuccessStatusCode();
        var segment = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var campaign = await marketer.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "双11 预热",
            segmentId = segment,
            channels = new object[] { new { channel = "sms", account = "gateway", text = "{{ customer.name }}您好：{{ campaign.name }}" } },
        });
        campaign.EnsureSuccessStatusCode();
        var id = (await campaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        watch.Restart();
        (await marketer.PostAsync($"/api/v1/campaigns/{id}/start", null)).EnsureSuccessStatusCode();
        var report = await PollAsync(async () =>
        {
            var c = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
            return c.GetProperty("status").GetString() == "completed";
        }, TimeSpan.FromSeconds(maxSeconds), () => marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report"));
        var fanOut = watch.Elapsed;
        var sent = report.GetProperty("sent").GetInt32();
        var held = report.GetProperty("heldByReason");
        Console.WriteLine($"fan-out: {sent:N0} sent, held {held}, in {fanOut.TotalSeconds:N1} s = {sent / fanOut.TotalSeconds:N0} messages/s (start to completed, recipients materialised at start)");
        var references = gateway.References.ToList();
        Console.WriteLine($"gateway received {references.Count:N0} messages, {references.Distinct(StringComparer.Ordinal).Count():N0} distinct keys{(references.Count == sent && held.GetProperty("frequency-cap").GetInt32() == capped ? "" : "  FIGURES DIFFER")}");

        // Baseline: the same number of bare POSTs to the same gateway at the same parallelism.
        gateway.Clear();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallelism * 2 });
        client.DefaultRequestHeaders.Authorization = new("Bearer", GatewayKey);
        watch.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, sent), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, ct) =>
        {
            using var response = await client.PostAsJsonAsync(gateway.Url, new { to = $"+86138{i:D8}", text = "【好物商城】客户您好：双11 预热 回T退订", reference = $"baseline:{i}" }, ct);
            response.EnsureSuccessStatusCode();
        });
        var baseline = watch.Elapsed;
        Console.WriteLine($"baseline: {sent:N0} bare POSTs in {baseline.TotalSeconds:N1} s = {sent / baseline.TotalSeconds:N0} messages/s");
        Console.WriteLine($"fan-out / baseline = {fanOut.TotalSeconds / baseline.TotalSeconds:N2}× the time; process RSS {LoadDriver.RssMegabytes():N0} MB");
    }

    /// <summary>Customers, phone identities and SMS consents written straight into the customer model's tables; the capped share gets a contact row this week.</summary>
    private static async Task<int> SeedAsync(ScrmApp app, int count, int cappedPercent, long at)
    {
        var random = new Random(17);
        var ids = Enumerable.Range(0, count).Select(i => Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(at - i))).ToList();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<CustomersDbContext>>().CreateDbContextAsync())
        {
            // One transaction: every row carries the same change time, so the fact index's change feed must see them committed together
            // (a later commit of rows stamped earlier than its cursor would be passed over, as no real writer does).
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var chunk in ids.Select((id, i) => (id, i)).Chunk(50_000))
            {
                await BulkInsert.InsertAsync(db, [.. chunk.Select(c => new CustomerRow { Id = c.id, Status = CustomerStatus.Active, Name = $"客户{c.i}", Tier = "gold", CreatedAt = at, UpdatedAt = at })], CancellationToken.None);
                await BulkInsert.InsertAsync(db, [.. chunk.Select(c => new IdentityRow { CustomerId = c.id, Type = IdentityTypes.Phone, Value = $"+86138{c.i:D8}" })], CancellationToken.None);
                await BulkInsert.InsertAsync(db, [.. chunk.Select(c => new ConsentRow { CustomerId = c.id, Channel = "sms", Granted = true, At = at, Source = "bench" })], CancellationToken.None);
            }

            await transaction.CommitAsync();
        }

        var cappedIds = ids.Where(_ => random.Next(100) < cappedPercent).ToList();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<CampaignsDbContext>>().CreateDbContextAsync())
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var earlier = Guid.CreateVersion7();
            foreach (var chunk in cappedIds.Chunk(20_000))
            {
                db.Contacts.AddRange(chunk.Select(c => new Scrm.Campaigns.Storage.ContactRow { CustomerId = c, CampaignId = earlier, Channel = "wechat", At = at - 3_600_000 }));
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }

        return cappedIds.Count;
    }

    private static async Task PollAsync(Func<Task<bool>> done, TimeSpan atMost)
    {
        var deadline = DateTime.UtcNow + atMost;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not done within {atMost.TotalSeconds:N0} s.");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<JsonElement> PollAsync(Func<Task<bool>> done, TimeSpan atMost, Func<Task<JsonElement>> then)
    {
        await PollAsync(done, atMost);
        return await then();
    }

    /// <summary>An SMS gateway on the loopback that takes every message and keeps its reference.</summary>
    private sealed class Gateway : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private ConcurrentQueue<string> _references = new();
        private long _next;

        private Gateway(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public IEnumerable<string> References => _references;

        public void Clear() => _references = new ConcurrentQueue<string>();

        public static async Task<Gateway> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var gateway = new Gateway(app);
            app.MapPost("/sms", async (HttpRequest request) =>
            {
                if (request.Headers.Authorization.ToString() != "Bearer " + GatewayKey)
                {
                    return Results.StatusCode(401);
                }

                var body = (await JsonNode.ParseAsync(request.Body))!;
                gateway._references.Enqueue((string)body["reference"]!);
                return Results.Json(new { messageId = "sms-" + Interlocked.Increment(ref gateway._next).ToString(CultureInfo.InvariantCulture) });
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            gateway.Url = new Uri(address.TrimEnd('/') + "/sms");
            return gateway;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
