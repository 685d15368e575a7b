using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Search.Lucene;
using Scrm.Testing;

namespace Scrm.Search.Tests;

public sealed class CrashRecoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_hard_kill_during_indexing_the_index_catches_up_with_no_document_missing_or_twice()
    {
        using var data = new TempDirectory("scrm-crash");
        var acknowledged = new HashSet<string>();
        var uncertain = new HashSet<string>();

        // Commits only at shutdown, which a kill never reaches: everything indexed before the kill is lost to the index.
        await using (var host = await ChildHost.StartAsync(StorageUnderTest.Sqlite, data.Path, new Dictionary<string, string> { ["Scrm:Search:Lucene:CommitInterval"] = "00:10:00" }))
        {
            using var ingest = host.ClientFor("ingest");
            using var staff = host.ClientFor("community");
            for (var batch = 0; batch < 200; batch++)
            {
                var ids = Enumerable.Range(0, 50).Select(i => $"m{batch:D3}-{i:D2}").ToList();
                var body = ids.Select(id => new { source = "weibo", externalId = id, author = new { id = "a" + id }, text = $"崩潰恢復測試 {id} 第{batch}批", createdAt = "2026-11-20T10:00:00+08:00" });
                var response = await ingest.PostAsJsonAsync("/api/v1/mentions", body, Ct);
                response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
                acknowledged.UnionWith(ids.Select(id => $"webhook:weibo:{id}"));

                // Kill while the indexer is busy: some of the journal is indexed, some not yet.
                var indexed = await TotalAsync(staff, "q=" + Uri.EscapeDataString("崩潰恢復測試"));
                if (indexed > 1_000 && batch >= 40)
                {
                    var inFlight = Enumerable.Range(0, 50).Select(i => $"m{batch + 1:D3}-{i:D2}").ToList();
                    var last = ingest.PostAsJsonAsync("/api/v1/mentions", inFlight.Select(id => new { source = "weibo", externalId = id, author = new { id = "a" + id }, text = $"崩潰恢復測試 {id}", createdAt = "2026-11-20T10:00:00+08:00" }), Ct);
                    uncertain.UnionWith(inFlight.Select(id => $"webhook:weibo:{id}"));
                    host.Kill();
                    try
                    {
                        await last;
                    }
                    catch (HttpRequestException)
                    {
                    }

                    break;
                }
            }
        }

        acknowledged.Count.ShouldBeGreaterThan(1_000);
        var durable = CommittedPosition(Path.Combine(data.Path, "index"));

        await using (var host = await ChildHost.StartAsync(StorageUnderTest.Sqlite, data.Path))
        {
            using var admin = host.ClientFor("admin");
            var stats = await admin.GetFromJsonAsync<JsonElement>("/api/v1/journal/stats", Ct);
            var journalItems = stats.GetProperty("appended").GetInt64();
            journalItems.ShouldBeGreaterThanOrEqualTo(acknowledged.Count);
            durable.ShouldBeLessThan(stats.GetProperty("lastPosition").GetInt64(), "the kill must have left the index behind the journal");

            var clock = Stopwatch.StartNew();
            while (await TotalAsync(admin, "type=mention") < journalItems && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100, Ct);
            }

            var ids = new List<string>();
            string? cursor = null;
            do
            {
                var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/search?type=mention&sort=oldest&size=100&facets=false" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), Ct);
                ids.AddRange(page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!));
                cursor = page.GetProperty("next").GetString();
            }
            while (cursor is not null);

            ids.Count.ShouldBe((int)journalItems);
            ids.Distinct().Count().ShouldBe(ids.Count);
            acknowledged.ShouldBeSubsetOf(ids);
            ids.ShouldBeSubsetOf(acknowledged.Union(uncertain));
        }
    }

    [Fact]
    public async Task A_corrupt_index_is_moved_aside_and_refilled_from_the_journal()
    {
        using var data = new TempDirectory("scrm-corrupt");
        var first = await StartModulesAsync(data);
        var journal = first.Get<IJournal>();
        var items = Enumerable.Range(0, 300).Select(i => Item($"c{i}", $"損壞索引重建 {i}")).ToList();
        await journal.AppendAsync(items, Ct);
        await WaitForCountAsync(first.Get<ISearchIndex>(), 300);
        await first.StopAsync();

        var indexPath = Path.Combine(data.Path, "index");
        foreach (var file in System.IO.Directory.GetFiles(indexPath).Where(f => !Path.GetFileName(f).StartsWith("segments", StringComparison.Ordinal) && !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            await File.WriteAllBytesAsync(file, new byte[new FileInfo(file).Length], Ct);
        }

        await using var second = await StartModulesAsync(data);
        await WaitForCountAsync(second.Get<ISearchIndex>(), 300);
        (await second.Get<ISearchIndex>().CountAsync("損壞索引", SearchFilter.None, Ct)).ShouldBe(300);
        System.IO.Directory.GetDirectories(data.Path, "index.corrupt-*").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_graceful_stop_commits_the_index_at_the_journal_position()
    {
        using var data = new TempDirectory("scrm-graceful");
        var host = await StartModulesAsync(data, commitInterval: "00:10:00");
        var results = await host.Get<IJournal>().AppendAsync(Enumerable.Range(0, 50).Select(i => Item($"g{i}", $"正常停止 {i}")).ToList(), Ct);
        await WaitForCountAsync(host.Get<ISearchIndex>(), 50);
        await host.StopAsync();

        CommittedPosition(Path.Combine(data.Path, "index")).ShouldBe(results[^1].Position);
    }

    private static InboundItem Item(string id, string text)
    {
        var created = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));
        var payload = new MentionPayload("weibo", id, new Person("a" + id, null), text, null, created, null);
        return new InboundItem(InboundKind.Mention, "webhook", "weibo", $"webhook:weibo:{id}", created, JsonSerializer.Serialize(payload, InboundJson.Default.MentionPayload));
    }

    private static Task<ModuleHost> StartModulesAsync(TempDirectory data, string commitInterval = "00:00:05") =>
        ModuleHost.StartAsync(
            StorageUnderTest.Sqlite,
            (services, config) => services.AddScrmIngestion(config).AddScrmSearch(config),
            new Dictionary<string, string?> { ["Scrm:Search:Lucene:CommitInterval"] = commitInterval },
            data: data);

    private static async Task WaitForCountAsync(ISearchIndex index, long count)
    {
        var clock = Stopwatch.StartNew();
        while (await index.CountAsync(null, SearchFilter.None, Ct) < count && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, Ct);
        }

        (await index.CountAsync(null, SearchFilter.None, Ct)).ShouldBe(count);
    }

    private static async Task<long> TotalAsync(HttpClient client, string query)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?facets=false&size=1&" + query, Ct);
        return body.GetProperty("total").GetProperty("value").GetInt64();
    }

    /// <summary>The journal position recorded in the index's last durable commit; 0 when it never committed.</summary>
    private static long CommittedPosition(string path)
    {
        using var directory = FSDirectory.Open(path);
        if (!DirectoryReader.IndexExists(directory))
        {
            return 0;
        }

        var last = DirectoryReader.ListCommits(directory).OrderBy(c => c.Generation).Last();
        return last.UserData.TryGetValue(LuceneSearchIndex.PositionKey, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : 0;
    }
}
