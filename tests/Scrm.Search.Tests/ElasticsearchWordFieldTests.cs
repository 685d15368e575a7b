using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scrm.Search.Elasticsearch;

namespace Scrm.Search.Tests;

/// <summary>The word subfield (<c>WordAnalyzer</c>) on the fake cluster, with and without the analysis plugin.</summary>
public sealed class ElasticsearchWordFieldTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));
    private FakeElasticsearch _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeElasticsearch.StartAsync();
        _fake.Cluster = new FakeCluster();
    }

    public async ValueTask DisposeAsync()
    {
        await _fake.DisposeAsync();
        _fake.Cluster!.Unsupported.ShouldBeEmpty();
        _fake.SchemaErrors.ShouldBeEmpty();
    }

    private ElasticsearchClientIndex Adapter(string? wordAnalyzer)
    {
        var options = new ElasticsearchOptions { Url = _fake.Url.ToString(), Index = "crm", Replicas = 0, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(5), WordAnalyzer = wordAnalyzer };
        return new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
    }

    private static SearchDocument Doc(string id, int minute, string text) =>
        new(id, DocumentTypes.Mention, "wechat", "gh_1", null, null, null, text, At.AddMinutes(minute), null, []);

    [Fact]
    public async Task Documents_holding_the_query_as_a_word_rank_first_and_the_hits_stay_the_same()
    {
        _fake.Cluster!.Plugins.Add("smartcn");
        using var index = Adapter("smartcn");
        // 和服 (kimono) is a word in the first text only; in the others 和 and 服务 (service) only touch.
        await index.UpsertAsync([Doc("kimono", 0, "她穿着和服在京都拍照"), Doc("service-1", 5, "我们和服务员聊了很久"), Doc("service-2", 9, "他和服务台确认了订单")], Ct);

        var hits = (await index.SearchAsync(new SearchQuery { Text = "和服" }, Ct)).Hits;

        hits.Select(h => h.Document.Id).ShouldBe(["kimono", "service-2", "service-1"]);
        hits[0].Score.ShouldNotBeNull().ShouldBeGreaterThan(hits[1].Score!.Value);
        _fake.Calls.Single(c => c.Method == "PUT" && c.Path == "/crm-v1").Text.ShouldContain("\"analyzer\":\"smartcn\"");
    }

    [Fact]
    public async Task Without_the_word_field_the_same_hits_come_newest_first_at_equal_scores()
    {
        using var index = Adapter(null);
        await index.UpsertAsync([Doc("kimono", 0, "她穿着和服在京都拍照"), Doc("service-1", 5, "我们和服务员聊了很久"), Doc("service-2", 9, "他和服务台确认了订单")], Ct);

        (await index.SearchAsync(new SearchQuery { Text = "和服" }, Ct)).Hits.Select(h => h.Document.Id).ShouldBe(["service-2", "service-1", "kimono"]);
    }

    [Fact]
    public async Task A_cluster_without_the_plugin_refuses_the_index_and_says_why()
    {
        using var index = Adapter("smartcn");

        var error = await Should.ThrowAsync<InvalidOperationException>(() => index.SearchAsync(new SearchQuery { Text = "和服" }, Ct));

        error.Message.ShouldContain("smartcn");
        error.Message.ShouldContain("crm-v1");
    }
}
