using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>The whole host with <c>Scrm:Search:Provider=Elasticsearch</c>, against the fake cluster.</summary>
public sealed class ElasticsearchHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_provider_is_chosen_by_configuration_and_an_unreachable_cluster_is_a_503()
    {
        var fake = await FakeElasticsearch.StartAsync();
        await using var app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Scrm:Search:Provider"] = "Elasticsearch",
            ["Scrm:Search:Elasticsearch:Url"] = fake.Url.ToString(),
            ["Scrm:Search:Elasticsearch:Index"] = "crm",
            ["Scrm:Search:Elasticsearch:MaxRetries"] = "1",
            ["Scrm:Search:Elasticsearch:RetryDelay"] = "00:00:00.005",
            ["Scrm:Search:Elasticsearch:RequestTimeout"] = "00:00:02",
        });
        using var ingest = app.ClientFor("ingest");
        var posted = await ingest.PostAsJsonAsync("/api/v1/mentions", new { source = "weibo", externalId = "es-1", author = new { id = "u1" }, text = "走彈性搜索的提及", createdAt = "2026-11-20T10:00:00+08:00" }, Ct);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var clock = Stopwatch.StartNew();
        while (!fake.Calls.Any(c => c.Path == "/crm/_bulk") && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20, Ct);
        }

        var bulk = fake.Calls.First(c => c.Path == "/crm/_bulk");
        FakeElasticsearch.Actions(bulk).ShouldBe([("create", "webhook:weibo:es-1")]);
        bulk.Body.ShouldContain("走彈性搜索的提及");

        using var staff = app.ClientFor("community");
        (await staff.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("彈性搜索"), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        fake.Calls.ShouldContain(c => c.Path == "/crm/_search" && c.Text.Contains("彈性搜索"));
        fake.SchemaErrors.ShouldBeEmpty();

        await fake.DisposeAsync();
        var down = await staff.GetAsync("/api/v1/search?q=x", Ct);
        down.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        down.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await down.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32().ShouldBe(503);
    }
}

public sealed class ElasticsearchDeadLetterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_document_the_cluster_refuses_is_dead_lettered_with_its_reason_and_the_rest_is_indexed()
    {
        await using var fake = await FakeElasticsearch.StartAsync();
        fake.Script = (call, _, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_bulk", StringComparison.Ordinal)
            ? (200, FakeElasticsearch.BulkAnswer(call, (_, id) => id.EndsWith(":bad", StringComparison.Ordinal) ? 400 : 201))
            : null);
        await using var host = await Scrm.Testing.ModuleHost.StartAsync(
            Scrm.Testing.StorageUnderTest.Sqlite,
            (services, config) => services.AddScrmIngestion(config).AddScrmSearch(config),
            new Dictionary<string, string?>
            {
                ["Scrm:Search:Provider"] = "Elasticsearch",
                ["Scrm:Search:Elasticsearch:Url"] = fake.Url.ToString(),
                ["Scrm:Search:Elasticsearch:Index"] = "crm",
                ["Scrm:Search:Elasticsearch:RetryDelay"] = "00:00:00.005",
                ["Scrm:Journal:MaxAttempts"] = "2",
            });
        var items = new[] { "good-1", "bad", "good-2" }.Select(id =>
        {
            var created = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));
            var payload = new Scrm.Ingestion.Inbound.MentionPayload("weibo", id, null, "內容 " + id, null, created, null);
            return new Scrm.Ingestion.InboundItem(Scrm.Ingestion.InboundKind.Mention, "webhook", "weibo", $"webhook:weibo:{id}", created,
                System.Text.Json.JsonSerializer.Serialize(payload, Scrm.Ingestion.Inbound.InboundJson.Default.MentionPayload));
        }).ToList();
        await host.Get<Scrm.Ingestion.Journal.IJournal>().AppendAsync(items, Ct);

        var reader = host.Get<Scrm.Ingestion.Journal.JournalReader>();
        var clock = Stopwatch.StartNew();
        Scrm.Ingestion.Journal.ConsumerStats? consumer = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            consumer = (await reader.StatsAsync(Ct)).Consumers.SingleOrDefault(c => c.Name == "search-index");
            if (consumer is { Lag: 0, DeadLetters: 1 })
            {
                break;
            }

            await Task.Delay(50, Ct);
        }

        consumer.ShouldNotBeNull();
        consumer.DeadLetters.ShouldBe(1);
        consumer.Lag.ShouldBe(0);
        var written = fake.Calls.Where(c => c.Path == "/crm/_bulk").SelectMany(FakeElasticsearch.Actions).Select(a => a.Id).Distinct().ToList();
        written.ShouldBe(["webhook:weibo:good-1", "webhook:weibo:bad", "webhook:weibo:good-2"], ignoreOrder: true);
        fake.SchemaErrors.ShouldBeEmpty();
    }
}
