using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scrm.Ingestion.Journal;
using Scrm.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Scrm.Host.Tests;

public sealed class SqliteStorageReportTests(PostgresServer postgres) : StorageReportTests(postgres, usePostgres: false);

public sealed class PostgresStorageReportTests(PostgresServer postgres) : StorageReportTests(postgres, usePostgres: true);

/// <summary><c>GET /api/v1/admin/storage</c>: what each store holds, the index, and what retention would free.</summary>
public abstract class StorageReportTests(PostgresServer postgres, bool usePostgres)
{
    [Fact]
    public async Task The_report_grows_with_what_is_ingested_and_is_for_admins_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        await using var app = new ScrmApp(storage);
        using var admin = app.ClientFor("admin");
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/storage", ct);

        using var ingest = app.ClientFor("ingest");
        var body = "[" + string.Join(',', Enumerable.Range(0, 400).Select(i =>
            $$"""{"source":"weibo","externalId":"s{{i}}","author":{"id":"a{{i % 40}}","name":"微博用户{{i % 40}}"},"text":"{{string.Concat(Enumerable.Repeat("这款产品的包装很好，物流也快，客服态度不错。", 4))}}{{i}}"}""")) + "]";
        using (var posted = await ingest.PostAsync("/api/v1/mentions", new StringContent(body, Encoding.UTF8, "application/json"), ct))
        {
            posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        var reader = app.Services.GetRequiredService<JournalReader>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await reader.StatsAsync(ct)).Consumers is var consumers && (consumers.Count == 0 || consumers.Any(c => c.Lag > 0)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        // Chinese is stored as UTF-8, not as \uXXXX escapes that take twice the room.
        var stored = await reader.ReadAsync(0, 1, ct);
        stored.ShouldHaveSingleItem().Payload.ShouldContain("这款产品的包装很好");

        var after = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/storage", ct);
        after.GetProperty("provider").GetString().ShouldBe(usePostgres ? "Postgres" : "Sqlite");
        var stores = after.GetProperty("stores").EnumerateArray().ToList();
        if (usePostgres)
        {
            var tables = stores.ShouldHaveSingleItem().GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
            tables.ShouldContain("journal_items");
        }
        else
        {
            stores.Select(s => s.GetProperty("name").GetString()).ShouldContain("journal");
            foreach (var store in stores)
            {
                store.GetProperty("liveBytes").GetInt64().ShouldBeLessThanOrEqualTo(store.GetProperty("bytes").GetInt64());
            }

            // 400 mentions of ~100 Chinese characters: at least 400 × 300 bytes more in the journal's live pages.
            Live(after, "journal").ShouldBeGreaterThan(Live(before, "journal") + 400 * 300);
            after.GetProperty("other").EnumerateArray().ShouldContain(o => o.GetProperty("name").GetString()!.Contains("Lucene") && o.GetProperty("bytes").GetInt64() > 0);
        }

        after.GetProperty("totalBytes").GetInt64().ShouldBeGreaterThan(before.GetProperty("totalBytes").GetInt64());
        after.GetProperty("retention").ValueKind.ShouldBe(JsonValueKind.Array);

        using var sales = app.ClientFor("sales");
        (await sales.GetAsync("/api/v1/admin/storage", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static long Live(JsonElement report, string store) =>
        report.GetProperty("stores").EnumerateArray().Single(s => s.GetProperty("name").GetString() == store).GetProperty("liveBytes").GetInt64();
}
