using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Customers.Directory;
using Scrm.Platform.Security;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Segment sizes at scale: the fact index over N generated customers (default 1,000,000), the count
/// of 20 rule trees (p50/p95 over repeated runs), incremental updates per second, and beside them a
/// plain SQLite <c>COUNT(*)</c> of one equivalent rule over the same rows in the same run.
/// </summary>
internal static class SegmentsBenchmark
{
    public const string Usage = "  segments [--customers 1000000] [--repeats 20] [--updates 200000]";

    private static readonly DateTimeOffset Now = new(2026, 6, 18, 4, 0, 0, TimeSpan.Zero);
    private static readonly string[] Tiers = ["gold", "silver", "bronze"];
    private static readonly string[] Provinces = ["浙江", "广东", "北京", "上海", "江苏", "四川"];
    private static readonly string[] Cities = ["杭州", "宁波", "广州", "深圳", "北京", "上海", "南京", "苏州", "成都"];
    private static readonly string[] Sources = ["wechat", "wecom", "web", "weibo", "import"];
    private static readonly string[] Owners = [.. Enumerable.Range(0, 200).Select(i => $"rep-{i}")];
    private static readonly string[] Tags = [.. Enumerable.Range(0, 50).Select(i => $"tag-{i}")];
    private static readonly string[] Identities = ["wechat", "wecom", "phone", "email", "weibo"];
    private static readonly string[] Channels = ["wechat", "wecom", "sms", "email"];

    private static readonly string[] Rules =
    [
        """{"fact":"tier","op":"in","values":["gold"]}""",
        """{"and":[{"fact":"tier","op":"in","values":["gold"]},{"fact":"lastOrderAt","op":"within","days":30}]}""",
        """{"fact":"tags","op":"hasAny","values":["tag-1","tag-2","tag-3"]}""",
        """{"fact":"tags","op":"hasAll","values":["tag-1","tag-2"]}""",
        """{"fact":"tags","op":"hasNone","values":["tag-7"]}""",
        """{"fact":"province","op":"in","values":["浙江","江苏","上海"]}""",
        """{"fact":"city","op":"notIn","values":["北京"]}""",
        """{"fact":"source","op":"in","values":["wechat","wecom"]}""",
        """{"fact":"identities","op":"hasAll","values":["wechat","phone"]}""",
        """{"fact":"consent","op":"hasAny","values":["sms","email"]}""",
        """{"fact":"owner","op":"in","values":["rep-1","rep-2","rep-3","rep-4"]}""",
        """{"fact":"owner","op":"missing"}""",
        """{"fact":"orderCount","op":"gte","value":3}""",
        """{"fact":"orderAmount","op":"between","min":500,"max":5000}""",
        """{"fact":"rfm.r","op":"gte","value":4}""",
        """{"fact":"lastContactAt","op":"notWithin","days":90}""",
        """{"fact":"lastInboundAt","op":"within","days":7}""",
        """{"fact":"createdAt","op":"after","date":"2026-01-01"}""",
        """{"or":[{"and":[{"fact":"tier","op":"in","values":["gold","silver"]},{"not":{"fact":"tags","op":"hasAny","values":["tag-9"]}}]},{"fact":"orderCount","op":"gte","value":8}]}""",
        """{"and":[{"fact":"city","op":"in","values":["杭州","上海"]},{"fact":"consent","op":"hasAny","values":["wechat"]},{"fact":"lastOrderAt","op":"notWithin","days":60},{"fact":"orderAmount","op":"gte","value":100},{"not":{"fact":"identities","op":"hasNone","values":["wechat"]}}]}""",
    ];

    public static async Task RunAsync(string[] args)
    {
        var customers = int.Parse(LoadDriver.Option(args, "--customers", "1000000"));
        var repeats = int.Parse(LoadDriver.Option(args, "--repeats", "20"));
        var updates = int.Parse(LoadDriver.Option(args, "--updates", "200000"));
        Console.WriteLine($"Segments benchmark: {customers:N0} customers, {Rules.Length} rule trees × {repeats}, {Environment.ProcessorCount} cores");

        using var data = new TempDirectory("scrm-segments-bench");
        await using var sql = new SqliteConnection($"Data Source={Path.Combine(data.Path, "facts.db")}");
        await sql.OpenAsync();
        await Execute(sql, "PRAGMA journal_mode=WAL; CREATE TABLE facts (id BLOB PRIMARY KEY, tier TEXT, city TEXT, order_count INTEGER NOT NULL, last_order_at INTEGER)");

        using var index = new FactIndex();
        var random = new Random(11);
        var load = Stopwatch.StartNew();
        var sheets = new List<CustomerFactSheet>(customers);
        for (var i = 0; i < customers; i++)
        {
            sheets.Add(Customer(random, Guid.CreateVersion7(Now.AddMilliseconds(-i))));
        }

        var generated = load.Elapsed;
        load.Restart();
        foreach (var sheet in sheets)
        {
            index.Upsert(sheet);
        }

        var indexLoad = load.Elapsed;
        Console.WriteLine($"generated in {generated.TotalSeconds:N1} s; index loaded in {indexLoad.TotalSeconds:N1} s ({customers / indexLoad.TotalSeconds:N0} customers/s); managed heap {GC.GetTotalMemory(true) / 1048576:N0} MiB (facts list included)");

        load.Restart();
        await using (var transaction = (SqliteTransaction)await sql.BeginTransactionAsync())
        await using (var insert = sql.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO facts VALUES ($id, $tier, $city, $count, $last)";
            var p = new[] { insert.Parameters.Add("$id", SqliteType.Blob), insert.Parameters.Add("$tier", SqliteType.Text), insert.Parameters.Add("$city", SqliteType.Text),
                insert.Parameters.Add("$count", SqliteType.Integer), insert.Parameters.Add("$last", SqliteType.Integer) };
            foreach (var c in sheets)
            {
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (c.Id.ToByteArray(), (object?)c.Tier ?? DBNull.Value, (object?)c.City ?? DBNull.Value, c.OrderCount, (object?)c.LastOrderAt ?? DBNull.Value);
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        Console.WriteLine($"SQLite baseline table written in {load.Elapsed.TotalSeconds:N1} s");

        var context = new RuleContext(Now.ToUnixTimeMilliseconds(), new Dictionary<string, IReadOnlySet<string>>());
        var all = new List<double>();
        Console.WriteLine($"{"rule",-4} {"count",12} {"p50 ms",8} {"max ms",8}");
        for (var r = 0; r < Rules.Length; r++)
        {
            using var document = JsonDocument.Parse(Rules[r]);
            var rule = RuleParser.Parse(document.RootElement).Rule!;
            var times = new List<double>();
            var count = 0;
            for (var k = 0; k < repeats; k++)
            {
                var watch = Stopwatch.StartNew();
                count = index.Select(rule, context, OwnerScope.All).Count;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            all.AddRange(times);
            Console.WriteLine($"{r,-4} {count,12:N0} {Percentile(times, 0.5),8:N2} {times.Max(),8:N2}");
        }

        var indexP95 = Percentile(all, 0.95);
        Console.WriteLine($"index count over {Rules.Length} rules × {repeats}: p50 {Percentile(all, 0.5):N2} ms, p95 {indexP95:N2} ms, max {all.Max():N2} ms");

        // One rule both ways: rule 1 (gold, last order within 30 days).
        using (var document = JsonDocument.Parse(Rules[1]))
        {
            var rule = RuleParser.Parse(document.RootElement).Rule!;
            var since = context.Since(30);
            var sqlTimes = new List<double>();
            var indexTimes = new List<double>();
            long sqlCount = 0;
            var indexCount = 0;
            for (var k = 0; k < Math.Max(5, repeats / 2); k++)
            {
                var watch = Stopwatch.StartNew();
                await using var count = sql.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM facts WHERE tier = 'gold' AND last_order_at >= $since";
                count.Parameters.AddWithValue("$since", since);
                sqlCount = (long)(await count.ExecuteScalarAsync())!;
                sqlTimes.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                indexCount = index.Select(rule, context, OwnerScope.All).Count;
                indexTimes.Add(watch.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"rule 1 by SQLite COUNT(*): {sqlCount:N0} in p95 {Percentile(sqlTimes, 0.95):N2} ms; by the index: {indexCount:N0} in p95 {Percentile(indexTimes, 0.95):N2} ms; SQL/index = {Percentile(sqlTimes, 0.95) / Percentile(indexTimes, 0.95):N1}×{(sqlCount == indexCount ? "" : "  COUNTS DIFFER")}");
        }

        var changes = new Stopwatch();
        for (var u = 0; u < updates; u++)
        {
            var was = sheets[random.Next(sheets.Count)];
            var next = was with { Tags = [.. was.Tags.Append(Tags[random.Next(Tags.Length)]).Distinct()], OrderCount = was.OrderCount + 1, LastOrderAt = Now.ToUnixTimeMilliseconds() };
            changes.Start();
            index.Upsert(next);
            changes.Stop();
        }

        Console.WriteLine($"incremental updates: {updates:N0} in {changes.Elapsed.TotalSeconds:N2} s = {updates / changes.Elapsed.TotalSeconds:N0} updates/s");
    }

    private static CustomerFactSheet Customer(Random random, Guid id)
    {
        long? When(double nullShare) => random.NextDouble() < nullShare ? null : Now.AddDays(-random.NextDouble() * 400).ToUnixTimeMilliseconds();
        string[] Pick(string[] from, int most) => [.. Enumerable.Range(0, random.Next(most + 1)).Select(_ => from[random.Next(from.Length)]).Distinct()];
        var orders = random.NextDouble() < 0.3 ? 0 : random.Next(1, 12);
        return new CustomerFactSheet(id, true,
            random.NextDouble() < 0.2 ? null : Tiers[random.Next(Tiers.Length)],
            random.Next(6), random.Next(6), random.Next(6),
            Pick(Tags, 4),
            Provinces[random.Next(Provinces.Length)], Cities[random.Next(Cities.Length)], Sources[random.Next(Sources.Length)],
            random.NextDouble() < 0.25 ? null : Owners[random.Next(Owners.Length)],
            Pick(Identities, 3), Pick(Channels, 2),
            orders, orders == 0 ? 0 : random.Next(100, 500_000), orders == 0 ? null : When(0), When(0.3), When(0.4),
            Now.AddDays(-random.NextDouble() * 800).ToUnixTimeMilliseconds(), CustomerChangeMark.Start);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static async Task Execute(SqliteConnection connection, string text)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = text;
        await command.ExecuteNonQueryAsync();
    }
}
