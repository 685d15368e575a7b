using System.Diagnostics;
using System.Net;
using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Data size per store after N Weibo-style mentions with real Chinese review texts are posted through
/// <c>POST /api/v1/mentions</c> and every consumer has caught up, and the pipeline's end-to-end rate.
/// </summary>
internal static class StorageBenchmark
{
    public const string Usage = "  storage [--mentions 200000] [--authors 40000] [--batch 500] [--clients 4] [--storage sqlite|postgres] [--compare true] [--after-first false] [--keep <folder>]";

    public static async Task RunAsync(string[] args)
    {
        var mentions = int.Parse(LoadDriver.Option(args, "--mentions", "200000"));
        var authors = int.Parse(LoadDriver.Option(args, "--authors", (mentions / 5).ToString()));
        var batch = int.Parse(LoadDriver.Option(args, "--batch", "500"));
        var clients = int.Parse(LoadDriver.Option(args, "--clients", "4"));
        var provider = LoadDriver.Option(args, "--storage", "sqlite");
        var compare = bool.Parse(LoadDriver.Option(args, "--compare", "true"));
        var afterFirst = bool.Parse(LoadDriver.Option(args, "--after-first", "false"));
        var keep = LoadDriver.Option(args, "--keep", "");
        var texts = ReadTexts();
        await using var postgres = provider == "postgres" ? new PostgresServer() : null;
        if (postgres is not null)
        {
            await postgres.InitializeAsync();
        }

        Console.WriteLine($"Storage benchmark: {mentions:N0} mentions from {authors:N0} authors ({texts.Length:N0} real review texts), batches of {batch}, {clients} clients, {provider}, {Environment.ProcessorCount} cores");

        // "before": workflow history written as plain JSON text, as it was; "after": the shipped defaults.
        var phases = compare
            ? new (string Name, Dictionary<string, string?> Settings)[] { ("before (plain JSON history)", new() { ["Scrm:Workflows:History:Compress"] = "false" }), ("after (defaults)", new()) }
            : [("defaults", new())];
        if (afterFirst)
        {
            // The second phase of a process runs warmer; swapped, the rate ratio shows how much that is.
            Array.Reverse(phases);
        }

        var results = new List<(string Name, double Rate, long Bytes, long Live)>();
        foreach (var (name, settings) in phases)
        {
            var storage = postgres is null ? StorageUnderTest.Sqlite : StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
            results.Add(await PhaseAsync(name, storage, settings, texts, mentions, authors, batch, clients, keep.Length > 0 ? Path.Combine(keep, results.Count.ToString()) : null));
        }

        if (results.Count == 2)
        {
            var (before, after) = afterFirst ? (results[1], results[0]) : (results[0], results[1]);
            Console.WriteLine($"== before -> after: {before.Bytes / (double)mentions:N0} -> {after.Bytes / (double)mentions:N0} bytes per mention on disk ({after.Bytes / (double)before.Bytes:P0}), "
                + $"{before.Live / (double)mentions:N0} -> {after.Live / (double)mentions:N0} live ({after.Live / (double)before.Live:P0}); "
                + $"end-to-end rate {before.Rate:N0} -> {after.Rate:N0} mentions/s (ratio {after.Rate / before.Rate:N2})");
        }
    }

    private static async Task<(string Name, double Rate, long Bytes, long Live)> PhaseAsync(
        string name, StorageUnderTest storage, Dictionary<string, string?> settings, string[] texts, int mentions, int authors, int batch, int clients, string? keep)
    {
        settings["Logging:LogLevel:Default"] = "Warning";
        await using var app = new ScrmApp(storage, settings);
        using var http = app.ClientFor("ingest");
        http.Timeout = TimeSpan.FromMinutes(2);
        var reader = app.Services.GetRequiredService<JournalReader>();
        Console.WriteLine($"-- {name}: load average {LoadAverage()}");

        var clock = Stopwatch.StartNew();
        var next = -1;
        var batches = (mentions + batch - 1) / batch;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var body = Batch(texts, b * batch, Math.Min(batch, mentions - b * batch), authors);
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("/api/v1/mentions", content);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"batch {b}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));
        var acknowledged = clock.Elapsed;
        Console.WriteLine($"acknowledged: {mentions / acknowledged.TotalSeconds:N0} mentions/s ({acknowledged.TotalSeconds:N1} s)");

        while (true)
        {
            var stats = await reader.StatsAsync(CancellationToken.None);
            if (stats.Consumers.Count > 0 && stats.Consumers.All(c => c.Lag == 0))
            {
                break;
            }

            await Task.Delay(500);
        }

        var caughtUp = clock.Elapsed;
        var rate = mentions / caughtUp.TotalSeconds;
        Console.WriteLine($"pipeline caught up: {rate:N0} mentions/s end to end ({caughtUp.TotalSeconds:N1} s), process RSS {LoadDriver.RssMegabytes():N0} MB, load average {LoadAverage()}");

        long bytes, live;
        if (storage.Provider == "Postgres")
        {
            (bytes, live) = await PrintPostgresAsync(app, mentions);
        }
        else
        {
            (bytes, live) = PrintSizes(app.DataDirectory, "after ingest", mentions: mentions);
            if (keep is not null)
            {
                // A copy of the data folder to look into with sqlite3 afterwards.
                Directory.CreateDirectory(keep);
                foreach (var file in Directory.GetFiles(app.DataDirectory, "*.db*"))
                {
                    File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
                }
            }
        }

        return (name, rate, bytes, live);
    }

    /// <summary>The storage report's PostgreSQL tables (with their indexes and TOAST), and the search index.</summary>
    private static async Task<(long Bytes, long Live)> PrintPostgresAsync(ScrmApp app, int mentions)
    {
        using var admin = app.ClientFor("admin");
        var report = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/storage");
        var total = report.GetProperty("totalBytes").GetInt64();
        Console.WriteLine("-- PostgreSQL after ingest:");
        foreach (var store in report.GetProperty("stores").EnumerateArray())
        {
            Console.WriteLine($"   {"database",-40} {store.GetProperty("bytes").GetInt64() / 1e6,10:N1} MB");
            foreach (var table in store.GetProperty("tables").EnumerateArray().Where(t => t.GetProperty("bytes").GetInt64() > 500_000))
            {
                Console.WriteLine($"      {table.GetProperty("name").GetString(),-37} {table.GetProperty("bytes").GetInt64() / 1e6,10:N1} MB {table.GetProperty("bytes").GetInt64() / (double)mentions,8:N0} B/mention");
            }
        }

        foreach (var other in report.GetProperty("other").EnumerateArray())
        {
            Console.WriteLine($"   {other.GetProperty("name").GetString(),-40} {other.GetProperty("bytes").GetInt64() / 1e6,10:N1} MB");
        }

        Console.WriteLine($"   {"total",-40} {total / 1e6,10:N1} MB {total / (double)mentions,8:N0} B/mention");
        return (total, total);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static string[] ReadTexts()
    {
        var texts = new List<string>();
        foreach (var file in new[] { "online_shopping_train.jsonl", "ecommerce_aspects_train.jsonl" })
        {
            foreach (var line in File.ReadLines(Repo.Fixture("chinese", "feedback", file)))
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } value)
                {
                    texts.Add(value);
                }
            }
        }

        return [.. texts];
    }

    private static string Batch(string[] texts, int first, int count, int authors)
    {
        var items = new List<object>(count);
        for (var n = first; n < first + count; n++)
        {
            var author = (int)((uint)(n * 2654435761L) % (uint)authors);
            items.Add(new
            {
                source = "weibo",
                externalId = $"m{n}",
                author = new { id = $"wb{author}", name = $"微博用户{author}" },
                text = texts[n % texts.Length],
                url = $"https://weibo.com/{author}/m{n}",
                createdAt = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000 + n).ToString("O"),
            });
        }

        return JsonSerializer.Serialize(items);
    }

    /// <summary>Each store's file size (with its WAL) and the bytes its live pages hold; the index folder.</summary>
    internal static (long Bytes, long Live) PrintSizes(string dataDirectory, string label, bool detail = true, int mentions = 0)
    {
        Console.WriteLine($"-- data folder {label}:");
        long total = 0, live = 0;
        foreach (var db in Directory.GetFiles(dataDirectory, "*.db").Order(StringComparer.Ordinal))
        {
            var size = new FileInfo(db).Length + (File.Exists(db + "-wal") ? new FileInfo(db + "-wal").Length : 0);
            var used = LiveBytes(db);
            total += size;
            live += used;
            Console.WriteLine($"   {Path.GetFileName(db),-20} {size / 1e6,10:N1} MB on disk {used / 1e6,10:N1} MB live" + PerMention(used, mentions));
            if (detail)
            {
                foreach (var (name, rows, bytes) in LargestTables(db))
                {
                    Console.WriteLine($"      {name,-37} {rows,10:N0} rows {bytes / 1e6,8:N1} MB of values" + PerMention(bytes, mentions));
                }
            }
        }

        foreach (var dir in Directory.GetDirectories(dataDirectory))
        {
            var size = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            total += size;
            live += size;
            Console.WriteLine($"   {Path.GetFileName(dir) + "/",-20} {size / 1e6,10:N1} MB on disk" + PerMention(size, mentions));
            if (detail)
            {
                // Lucene's files by kind: .fdt stored fields (the _source), .tim/.tip terms, .doc postings, .pos positions, .dvd doc values, .nvd norms.
                foreach (var kind in Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
                    .GroupBy(f => Path.GetExtension(f) is { Length: > 0 } e ? e : Path.GetFileName(f))
                    .Select(g => (Kind: g.Key, Bytes: g.Sum(f => new FileInfo(f).Length)))
                    .Where(k => k.Bytes > 500_000)
                    .OrderByDescending(k => k.Bytes))
                {
                    Console.WriteLine($"      {kind.Kind,-37} {kind.Bytes / 1e6,10:N1} MB" + PerMention(kind.Bytes, mentions));
                }
            }
        }

        Console.WriteLine($"   {"total",-20} {total / 1e6,10:N1} MB on disk {live / 1e6,10:N1} MB live" + PerMention(live, mentions)
            + (mentions > 0 ? $", {total / (double)mentions,6:N0} B/mention on disk" : ""));
        return (total, live);
    }

    private static string PerMention(long bytes, int mentions) => mentions > 0 ? $" {bytes / (double)mentions,8:N0} B/mention" : "";

    /// <summary>
    /// Each table holding more than 0.5 MB of values: its rows and the bytes of its values (text as
    /// UTF-8, BLOBs as stored), without page and index overhead. The bundled SQLite has no dbstat.
    /// </summary>
    private static List<(string Name, long Rows, long Bytes)> LargestTables(string file)
    {
        var list = new List<(string, long, long)>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                tables.Add(rows.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            var columns = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    columns.Add($"coalesce(length(CAST(\"{rows.GetString(0)}\" AS BLOB)), 0)");
                }
            }

            using var sum = connection.CreateCommand();
            sum.CommandText = $"SELECT count(*), coalesce(sum({string.Join(" + ", columns)}), 0) FROM \"{table}\"";
            using var result = sum.ExecuteReader();
            result.Read();
            if (result.GetInt64(1) > 500_000)
            {
                list.Add((table, result.GetInt64(0), result.GetInt64(1)));
            }
        }

        return [.. list.OrderByDescending(t => t.Item3)];
    }

    private static long LiveBytes(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        long Pragma(string name)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {name}";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return (Pragma("page_count") - Pragma("freelist_count")) * Pragma("page_size");
    }
}
