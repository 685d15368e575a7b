using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scrm.Search.Elasticsearch;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>
/// What every engine behind <see cref="ISearchIndex"/> must do, run on the embedded Lucene index and,
/// when <c>SCRM_ELASTICSEARCH_URL</c> names a cluster, on Elasticsearch.
/// </summary>
public abstract class IndexBehaviourTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private ISearchIndex _index = null!;
    private Func<Task> _refresh = null!;
    private IAsyncDisposable? _cleanup;
    private List<SearchDocument> _corpus = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An empty index, how to make writes visible now, and how to remove it afterwards.</summary>
    private protected abstract Task<(ISearchIndex Index, Func<Task> Refresh, IAsyncDisposable Cleanup)> OpenAsync();

    public async ValueTask InitializeAsync()
    {
        (_index, _refresh, _cleanup) = await OpenAsync();
        var n = 0;
        foreach (var line in File.ReadLines(Repo.Fixture("chinese", "crm_articles.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            _corpus.Add(new SearchDocument($"a{n}", n % 3 == 0 ? "lead" : "mention", n % 2 == 0 ? "weibo" : "wechat", "brand", $"u{n % 5}", null, null,
                json.RootElement.GetProperty("text").GetString()!, Start.AddHours(n * 5), n % 7 == 0 ? "rep-1" : null, n % 4 == 0 ? ["vip"] : []));
            n++;
        }

        (await _index.AddAsync(_corpus, Ct)).Rejected.ShouldBeEmpty();
        await _refresh();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cleanup is not null)
        {
            await _cleanup.DisposeAsync();
        }
    }

    private HashSet<string> Containing(string query) =>
        _corpus.Where(d => ChineseCorpus.Normalise(d.Text).Contains(query, StringComparison.Ordinal)).Select(d => d.Id).ToHashSet();

    private async Task<List<SearchHit>> AllAsync(SearchQuery query)
    {
        var hits = new List<SearchHit>();
        SearchAfter? after = null;
        do
        {
            var page = await _index.SearchAsync(query with { After = after, Size = 100 }, Ct);
            hits.AddRange(page.Hits);
            after = page.Next;
        }
        while (after is not null);
        return hits;
    }

    [Theory]
    [InlineData("客戶")]
    [InlineData("管理")]
    [InlineData("忠誠度")]
    [InlineData("銷售")]
    [InlineData("潛在客戶")]
    [InlineData("數")]
    public async Task Chinese_text_matches_exactly_the_documents_containing_it(string query)
    {
        var hits = await AllAsync(new SearchQuery { Text = query, Facets = false });
        hits.Select(h => h.Document.Id).ShouldBe(Containing(query), ignoreOrder: true);
        hits.ShouldAllBe(h => h.Snippet.Highlights.Count > 0);
    }

    [Fact]
    public async Task Filters_and_facets_agree_with_the_documents()
    {
        var result = await _index.SearchAsync(new SearchQuery { Text = "客戶", Filter = new SearchFilter { Channels = ["weibo"], Tags = ["vip"] } }, Ct);
        var expected = _corpus.Where(d => d.Channel == "weibo" && d.Tags.Contains("vip") && Containing("客戶").Contains(d.Id)).ToList();
        result.Total.ShouldBe(expected.Count);
        result.Facets.Channel.ShouldBe([new FacetCount("weibo", expected.Count)]);
        result.Facets.Type.Sum(t => t.Count).ShouldBe(expected.Count);
        (await _index.CountAsync("客戶", new SearchFilter { Owners = ["rep-1"] }, Ct))
            .ShouldBe(_corpus.Count(d => d.Owner == "rep-1" && Containing("客戶").Contains(d.Id)));
    }

    [Fact]
    public async Task Newest_first_paging_returns_every_document_once()
    {
        var hits = await AllAsync(new SearchQuery { Sort = SearchSort.Newest, Facets = false });
        hits.Select(h => h.Document.Id).ShouldBe(_corpus.OrderByDescending(d => d.CreatedAt).Select(d => d.Id));
    }

    [Fact]
    public async Task Query_syntax_is_plain_text()
    {
        foreach (var text in new[] { "*:*", "_id:*", "text:[* TO *]", "客* OR *", "{!lucene}x" })
        {
            (await _index.SearchAsync(new SearchQuery { Text = text }, Ct)).Total.ShouldBe(0, text);
        }
    }

    [Fact]
    public async Task Upsert_replaces_and_delete_removes()
    {
        await _index.UpsertAsync([_corpus[0] with { Text = "完全替換後的文字" }], Ct);
        await _refresh();
        (await _index.CountAsync("替換後", SearchFilter.None, Ct)).ShouldBe(1);
        (await _index.CountAsync(null, SearchFilter.None, Ct)).ShouldBe(_corpus.Count);

        await _index.DeleteAsync([_corpus[0].Id, "never-indexed"], Ct);
        await _refresh();
        (await _index.CountAsync("替換後", SearchFilter.None, Ct)).ShouldBe(0);
        (await _index.CountAsync(null, SearchFilter.None, Ct)).ShouldBe(_corpus.Count - 1);
    }
}

public sealed class LuceneIndexBehaviourTests : IndexBehaviourTests
{
    private protected override Task<(ISearchIndex Index, Func<Task> Refresh, IAsyncDisposable Cleanup)> OpenAsync()
    {
        var folder = new TempDirectory("scrm-behaviour");
        var index = ChineseCorpus.OpenIndex(folder.Path);
        return Task.FromResult<(ISearchIndex, Func<Task>, IAsyncDisposable)>((index, () => index.RefreshAsync(Ct), new Cleanup(() =>
        {
            index.Dispose();
            folder.Dispose();
        })));
    }

    private sealed class Cleanup(Action action) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            action();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The same behaviour on a live cluster: <c>SCRM_ELASTICSEARCH_URL</c> (+ <c>_API_KEY</c> or <c>_USERNAME</c>/<c>_PASSWORD</c>).</summary>
public sealed class ElasticsearchIndexBehaviourTests : IndexBehaviourTests
{
    private protected override async Task<(ISearchIndex Index, Func<Task> Refresh, IAsyncDisposable Cleanup)> OpenAsync()
    {
        var url = Environment.GetEnvironmentVariable("SCRM_ELASTICSEARCH_URL");
        if (string.IsNullOrWhiteSpace(url))
        {
            Assert.Skip("SCRM_ELASTICSEARCH_URL is not set: no live Elasticsearch cluster to run the engine behaviour tests against.");
        }

        var options = new ElasticsearchOptions
        {
            Url = url,
            ApiKey = Environment.GetEnvironmentVariable("SCRM_ELASTICSEARCH_API_KEY"),
            Username = Environment.GetEnvironmentVariable("SCRM_ELASTICSEARCH_USERNAME"),
            Password = Environment.GetEnvironmentVariable("SCRM_ELASTICSEARCH_PASSWORD"),
            Index = $"scrm-test-{Guid.NewGuid():N}",
            Replicas = 0,
        };
        var index = new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
        await index.EnsureIndexAsync(Ct);
        return (index, () => index.RefreshAsync(Ct), new DropIndex(index));
    }

    private sealed class DropIndex(ElasticsearchClientIndex index) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await index.DropAsync(CancellationToken.None);
            index.Dispose();
        }
    }
}

/// <summary>
/// The same behaviour through the official client against the fake cluster on loopback, which keeps the
/// documents in memory and answers with Elasticsearch's semantics, checking every request and answer
/// against the contract kit's schemas.
/// </summary>
public sealed class FakeClusterIndexBehaviourTests : IndexBehaviourTests
{
    private protected override Task<(ISearchIndex Index, Func<Task> Refresh, IAsyncDisposable Cleanup)> OpenAsync() => OpenOnFakeAsync(null);

    /// <summary>The adapter on a fresh fake cluster; with a word analyser, the cluster has that plugin.</summary>
    internal static async Task<(ISearchIndex Index, Func<Task> Refresh, IAsyncDisposable Cleanup)> OpenOnFakeAsync(string? wordAnalyzer)
    {
        var fake = await FakeElasticsearch.StartAsync();
        fake.Cluster = new FakeCluster();
        if (wordAnalyzer is not null)
        {
            fake.Cluster.Plugins.Add(wordAnalyzer);
        }

        var options = new ElasticsearchOptions { Url = fake.Url.ToString(), Index = "scrm-behaviour", Replicas = 0, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(5), WordAnalyzer = wordAnalyzer };
        var index = new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
        await index.EnsureIndexAsync(Ct);
        return (index, () => index.RefreshAsync(Ct), new StopFake(fake, index));
    }

    private sealed class StopFake(FakeElasticsearch fake, ElasticsearchClientIndex index) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            index.Dispose();
            await fake.DisposeAsync();
            fake.Cluster!.Unsupported.ShouldBeEmpty();
            fake.Cluster.OpenPits.ShouldBeEmpty();
            fake.SchemaErrors.ShouldBeEmpty();
        }
    }
}

/// <summary>The same behaviour with a word subfield (the cluster has the smartcn plugin): the words only rank, the hits stay the same.</summary>
public sealed class FakeClusterWordFieldIndexBehaviourTests : IndexBehaviourTests
{
    private protected override Task<(ISearchIndex Index, Func<Task> Refresh, IAsyncDisposable Cleanup)> OpenAsync() =>
        FakeClusterIndexBehaviourTests.OpenOnFakeAsync("smartcn");
}
