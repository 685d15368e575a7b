using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Customers;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Platform.Security;
using Scrm.Customers.Value;
using Scrm.Customers.View;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Storage;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// The customer model at scale, on real storage: identity resolution of inbound leads (30% of them
/// matching existing customers), the full RFM recompute, and 360° view latency, each beside a
/// baseline measured in the same run.
/// </summary>
internal static class CustomersBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var inbound = int.Parse(LoadDriver.Option(args, "--identities", "1000000"));
        var views = int.Parse(LoadDriver.Option(args, "--views", "2000"));
        var batch = int.Parse(LoadDriver.Option(args, "--batch", "1000"));
        var storageArg = LoadDriver.Option(args, "--storage", "sqlite");
        var storage = storageArg.StartsWith("postgres=", StringComparison.Ordinal) ? StorageUnderTest.Postgres(storageArg["postgres=".Length..]) : StorageUnderTest.Sqlite;
        var existing = inbound * 3 / 10;
        Console.WriteLine($"Customers benchmark: {inbound:N0} inbound identities ({existing:N0} matching existing customers), batches of {batch}, storage {storage}, {Environment.ProcessorCount} cores");

        await using var host = await ModuleHost.StartAsync(storage, (s, c) => s.AddScrmIngestion(c).AddScrmCustomers(c),
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });

        // The existing customers: one lead each with its own mobile number.
        var seed = Stopwatch.StartNew();
        for (var start = 0; start < existing; start += batch)
        {
            await HandleAsync(host, Enumerable.Range(start, Math.Min(batch, existing - start)).Select(i => Lead(i, i)).ToList());
        }

        Console.WriteLine($"seeded {existing:N0} customers in {seed.Elapsed.TotalSeconds:N1} s");

        // Inbound: every third-or-so lead carries a number an existing customer holds; the rest are new people.
        var entries = new List<JournalEntry>(inbound);
        var random = new Random(7);
        for (var i = 0; i < inbound; i++)
        {
            var matching = i % 10 < 3;
            entries.Add(Lead(existing + i, matching ? random.Next(existing) : existing + i));
        }

        var options = Microsoft.Extensions.Options.Options.Create(new ResolutionOptions());
        var parse = Stopwatch.StartNew();
        var parsed = 0;
        foreach (var entry in entries)
        {
            parsed += InboundObservations.From(entry, options.Value) is null ? 0 : 1;
        }

        parse.Stop();
        Console.WriteLine($"{"baseline: read payloads only",-44} {parsed / parse.Elapsed.TotalSeconds,12:N0} items/s");

        var resolve = Stopwatch.StartNew();
        for (var start = 0; start < entries.Count; start += batch)
        {
            await HandleAsync(host, entries.GetRange(start, Math.Min(batch, entries.Count - start)));
        }

        resolve.Stop();
        var customers = await host.QueryAsyncRaw(db => db.Customers.CountAsync());
        Console.WriteLine($"{"resolve (one query per identity type/batch)",-44} {inbound / resolve.Elapsed.TotalSeconds,12:N0} items/s   ({resolve.Elapsed.TotalSeconds:N1} s, {customers:N0} customers now)");

        // RFM: every customer gets an order history, then the full recompute runs.
        await GiveOrdersAsync(host.Get<ScrmDatabase>());
        var read = Stopwatch.StartNew();
        var rows = await CountScanAsync(host.Get<ScrmDatabase>());
        read.Stop();
        Console.WriteLine($"{"baseline: scan the scoring columns",-44} {read.Elapsed.TotalSeconds,10:N2} s for {rows:N0} customers");
        RecomputeReport report;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            report = await scope.ServiceProvider.GetRequiredService<ValueRecompute>().RunAsync(CancellationToken.None);
        }

        Console.WriteLine($"{"RFM + weighted model recompute (first run)",-44} {report.Elapsed.TotalSeconds,10:N2} s for {report.Scored:N0} customers ({report.Changed:N0} changed)");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            report = await scope.ServiceProvider.GetRequiredService<ValueRecompute>().RunAsync(CancellationToken.None);
        }

        Console.WriteLine($"{"RFM recompute (nothing changed)",-44} {report.Elapsed.TotalSeconds,10:N2} s for {report.Scored:N0} customers ({report.Changed:N0} changed)");

        // 360° view latency for random customers, beside a primary-key lookup.
        var ids = await host.QueryAsyncRaw(db => db.Customers.Where(c => c.Status == CustomerStatus.Active).OrderBy(c => c.Id).Select(c => c.Id).Take(200_000).ToListAsync());
        var picks = Enumerable.Range(0, views).Select(_ => ids[random.Next(ids.Count)]).ToList();
        var lookup = await MeasureAsync(host, picks, async (sp, id) => await sp.GetRequiredService<CustomersDbContext>().Customers.AsNoTracking().FirstAsync(c => c.Id == id));
        Console.WriteLine($"{"baseline: customer row by id",-44} p50 {Percentile(lookup, 50),6:N2} ms   p95 {Percentile(lookup, 95),6:N2} ms   p99 {Percentile(lookup, 99),6:N2} ms");
        var owner = await MeasureAsync(host, picks, (sp, id) => sp.GetRequiredService<CustomerReader>().GetAsync(id, new Caller("nobody", "marketer"), null, 50, CancellationToken.None));
        Console.WriteLine($"{"360 view (masked, no audit write)",-44} p50 {Percentile(owner, 50),6:N2} ms   p95 {Percentile(owner, 95),6:N2} ms   p99 {Percentile(owner, 99),6:N2} ms");
        var audited = await MeasureAsync(host, picks, (sp, id) => sp.GetRequiredService<CustomerReader>().GetAsync(id, new Caller("root", "admin"), null, 50, CancellationToken.None));
        Console.WriteLine($"{"360 view (unmasked, audited read)",-44} p50 {Percentile(audited, 50),6:N2} ms   p95 {Percentile(audited, 95),6:N2} ms   p99 {Percentile(audited, 99),6:N2} ms");
        Console.WriteLine($"process RSS: {LoadDriver.RssMegabytes():N0} MB");
    }

    internal static JournalEntry Lead(long position, long person)
    {
        var phone = "+86138" + (10_000_000 + person).ToString("D8", System.Globalization.CultureInfo.InvariantCulture)[^8..];
        var payload = new LeadPayload($"客户{person}", new PhoneValue(phone, phone), null, null, null, null,
            new LeadOrigin("web", "contact", null, null, null, null, null, null, null, null), DateTimeOffset.UnixEpoch.AddDays(20000).AddSeconds(position), null);
        return new JournalEntry(position + 1, InboundKind.Lead, "web", "contact", "lead:" + position, payload.SubmittedAt, payload.SubmittedAt,
            JsonSerializer.Serialize(payload, InboundJson.Default.LeadPayload));
    }

    internal static async Task HandleAsync(ModuleHost host, List<JournalEntry> batch)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ResolutionHandler>().HandleAsync(batch, CancellationToken.None);
    }

    private static async Task<T> QueryAsyncRaw<T>(this ModuleHost host, Func<CustomersDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CustomersDbContext>());
    }

    private static async Task GiveOrdersAsync(ScrmDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        command.CommandText = database.IsPostgres
            ? $"UPDATE customers SET order_count = 1 + floor(random() * 20)::int, monetary_cents = floor(random() * 5000000)::bigint, last_order_at = {now} - floor(random() * 400 * 86400000)::bigint"
            : $"UPDATE customers SET order_count = 1 + abs(random() % 20), monetary_cents = abs(random() % 5000000), last_order_at = {now} - abs(random() % (400 * 86400000))";
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountScanAsync(ScrmDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, order_count, monetary_cents, last_order_at, r_score, f_score, m_score, tier, score FROM customers WHERE status = 'active' AND order_count > 0";
        await using var reader = await command.ExecuteReaderAsync();
        long n = 0;
        while (await reader.ReadAsync())
        {
            _ = reader.GetValue(0);
            n++;
        }

        return n;
    }

    internal static async Task<double[]> MeasureAsync<T>(ModuleHost host, List<Guid> ids, Func<IServiceProvider, Guid, Task<T>> read)
    {
        for (var i = 0; i < 50; i++)
        {
            await using var warm = host.Services.CreateAsyncScope();
            await read(warm.ServiceProvider, ids[i % ids.Count]);
        }

        var times = new double[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            var watch = Stopwatch.StartNew();
            await using (var scope = host.Services.CreateAsyncScope())
            {
                await read(scope.ServiceProvider, ids[i]);
            }

            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times;
    }

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
