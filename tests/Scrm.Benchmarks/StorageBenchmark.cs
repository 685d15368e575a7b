using System.Diagnostics;
using System.Net;
using System.Text;
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
    public const string Usage = "  storage [--mentions 200000] [--authors 40000] [--batch 500] [--clients 4] [--keep <folder>]";

    public static async Task RunAsync(string[] args)
    {
        var mentions = int.Parse(LoadDriver.Option(args, "--mentions", "200000"));
        var authors = int.Parse(LoadDriver.Option(args, "--authors", (mentions / 5).ToString()));
        var batch = int.Parse(LoadDriver.Option(args, "--batch", "500"));
        var clients = int.Parse(LoadDriver.Option(args, "--clients", "4"));
        var texts = ReadTexts();

        await using var app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        });
        using var http = app.ClientFor("ingest");
        http.Timeout = TimeSpan.FromMinutes(2);
        var reader = app.Services.GetRequiredService<JournalReader>();
        Console.WriteLine($"Storage benchmark: {mentions:N0} mentions from {authors:N0} authors ({texts.Length:N0} real review texts), batches of {batch}, {clients} clients");

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
        Console.WriteLine($"pipeline caught up: {mentions / caughtUp.TotalSeconds:N0} mentions/s end to end ({caughtUp.TotalSeconds:N1} s), process RSS {LoadDriver.RssMegabytes():N0} MB");
        PrintSizes(app.DataDirectory, "after ingest");

        if (LoadDriver.Option(args, "--keep", "") is { Length: > 0 } keep)
        {
            // A copy of the data folder to look into with sqlite3 afterwards.
            foreach (var file in Directory.GetFiles(app.DataDirectory, "*.db*"))
            {
                Directory.CreateDirectory(keep);
                File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
            }
        }

        using var admin = app.ClientFor("admin");
        using var report = await admin.GetAsync("/api/v1/admin/storage");
        Console.WriteLine($"GET /api/v1/admin/storage: {(int)report.StatusCode} {await report.Content.ReadAsStringAsync()}");
    }

    private static string[] ReadTexts()
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
    internal static void PrintSizes(string dataDirectory, string label, bool detail = true)
    {
        Console.WriteLine($"-- data folder {label}:");
        long total = 0, live = 0;
        foreach (var db in Directory.GetFiles(dataDirectory, "*.db").Order(StringComparer.Ordinal))
        {
            var size = new FileInfo(db).Length + (File.Exists(db + "-wal") ? new FileInfo(db + "-wal").Length : 0);
            var used = LiveBytes(db);
            total += size;
            live += used;
            Console.WriteLine($"   {Path.GetFileName(db),-20} {size / 1e6,10:N1} MB on disk {used / 1e6,10:N1} MB live");
            if (detail)
            {
                foreach (var (name, bytes) in LargestTables(db))
                {
                    Console.WriteLine($"      {name,-40} {bytes / 1e6,8:N1} MB");
                }
            }
        }

        foreach (var dir in Directory.GetDirectories(dataDirectory))
        {
            var size = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            total += size;
            live += size;
            Console.WriteLine($"   {Path.GetFileName(dir) + "/",-20} {size / 1e6,10:N1} MB on disk");
        }

        Console.WriteLine($"   {"total",-20} {total / 1e6,10:N1} MB on disk {live / 1e6,10:N1} MB live");
    }

    /// <summary>Tables and indexes above 1 MB, from SQLite's <c>dbstat</c> table.</summary>
    private static List<(string Name, long Bytes)> LargestTables(string file)
    {
        var list = new List<(string, long)>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name HAVING SUM(pgsize) > 1000000 ORDER BY 2 DESC";
        try
        {
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                list.Add((rows.GetString(0), rows.GetInt64(1)));
            }
        }
        catch (SqliteException)
        {
            // dbstat is not compiled into every SQLite build.
        }

        return list;
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
