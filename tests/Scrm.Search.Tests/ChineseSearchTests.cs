using Scrm.Search;

namespace Scrm.Search.Tests;

public sealed class ChineseSearchTests(ChineseCorpus corpus) : IClassFixture<ChineseCorpus>
{
    /// <summary>Distinct runs of <paramref name="length"/> CJK ideographs taken from the corpus, chosen with a fixed seed.</summary>
    private static List<string> Sample(IReadOnlyList<SearchDocument> documents, int length, int count)
    {
        var random = new Random(20261124 + length);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        for (var attempt = 0; attempt < 10_000 && result.Count < count; attempt++)
        {
            var text = ChineseCorpus.Normalise(documents[random.Next(documents.Count)].Text);
            if (text.Length < length)
            {
                continue;
            }

            var at = random.Next(text.Length - length + 1);
            var candidate = text.Substring(at, length);
            if (candidate.All(c => c is >= '\u4E00' and <= '\u9FFF') && found.Add(candidate))
            {
                result.Add(candidate);
            }
        }

        return result;
    }

    private async Task<List<SearchHit>> AllHitsAsync(string text)
    {
        var hits = new List<SearchHit>();
        SearchAfter? after = null;
        do
        {
            var page = await corpus.Index.SearchAsync(new SearchQuery { Text = text, Size = 100, After = after, Facets = false }, TestContext.Current.CancellationToken);
            hits.AddRange(page.Hits);
            after = page.Next;
        }
        while (after is not null);
        return hits;
    }

    [Theory]
    [InlineData(2, 60)]
    [InlineData(3, 60)]
    public async Task Chinese_queries_return_exactly_the_documents_containing_them_with_the_match_highlighted(int length, int queries)
    {
        var sample = Sample(corpus.Documents, length, queries);
        sample.Count.ShouldBe(queries);
        foreach (var query in sample)
        {
            var expected = corpus.Documents.Where(d => ChineseCorpus.Normalise(d.Text).Contains(query, StringComparison.Ordinal)).Select(d => d.Id).ToHashSet();
            var hits = await AllHitsAsync(query);

            hits.Select(h => h.Document.Id).ShouldBe(expected, ignoreOrder: true, customMessage: $"query {query}");
            foreach (var hit in hits)
            {
                hit.Snippet.Highlights.ShouldNotBeEmpty($"query {query} in {hit.Document.Id}");
                foreach (var h in hit.Snippet.Highlights)
                {
                    ChineseCorpus.Normalise(hit.Snippet.Text.Substring(h.Start, h.Length)).ShouldContain(query, Case.Sensitive, $"query {query} in {hit.Document.Id}");
                }
            }
        }
    }

    [Fact]
    public async Task One_character_queries_use_the_single_character_field()
    {
        foreach (var query in Sample(corpus.Documents, 1, 20))
        {
            var expected = corpus.Documents.Where(d => ChineseCorpus.Normalise(d.Text).Contains(query, StringComparison.Ordinal)).Select(d => d.Id).ToHashSet();
            var hits = await AllHitsAsync(query);
            hits.Select(h => h.Document.Id).ShouldBe(expected, ignoreOrder: true, customMessage: $"query {query}");
            hits.ShouldAllBe(h => h.Snippet.Highlights.Count > 0);
        }
    }

    [Fact]
    public async Task Counts_match_the_hits_and_facets_add_up()
    {
        var result = await corpus.Index.SearchAsync(new SearchQuery { Text = "客戶" }, TestContext.Current.CancellationToken);
        var expected = corpus.Documents.Count(d => ChineseCorpus.Normalise(d.Text).Contains("客戶", StringComparison.Ordinal));
        expected.ShouldBeGreaterThan(20);
        result.Total.ShouldBe(expected);
        result.TotalIsExact.ShouldBeTrue();
        (await corpus.Index.CountAsync("客戶", SearchFilter.None, TestContext.Current.CancellationToken)).ShouldBe(expected);
        result.Facets.Channel.Sum(c => c.Count).ShouldBe(expected);
        result.Facets.Type.Sum(c => c.Count).ShouldBe(expected);
        result.Facets.Day.Sum(c => c.Count).ShouldBe(expected);
        result.Facets.Channel.Select(c => c.Value).ShouldBe(["wechat", "weibo"], ignoreOrder: true);
    }

    [Fact]
    public async Task Filters_narrow_the_hits_to_what_they_name()
    {
        var filter = new SearchFilter { Channels = ["weibo"], Types = [DocumentTypes.Lead], Tags = ["vip"] };
        var result = await corpus.Index.SearchAsync(new SearchQuery { Text = "客戶", Filter = filter, Size = 100 }, TestContext.Current.CancellationToken);
        var expected = corpus.Documents
            .Where(d => d.Channel == "weibo" && d.Type == DocumentTypes.Lead && d.Tags.Contains("vip") && ChineseCorpus.Normalise(d.Text).Contains("客戶", StringComparison.Ordinal))
            .Select(d => d.Id).ToList();
        expected.ShouldNotBeEmpty();
        result.Hits.Select(h => h.Document.Id).ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task Newest_sort_pages_through_every_document_once_in_order()
    {
        var seen = new List<SearchHit>();
        SearchAfter? after = null;
        do
        {
            var page = await corpus.Index.SearchAsync(new SearchQuery { Sort = SearchSort.Newest, Size = 37, After = after, Facets = false }, TestContext.Current.CancellationToken);
            seen.AddRange(page.Hits);
            after = page.Next;
        }
        while (after is not null);

        seen.Count.ShouldBe(corpus.Documents.Count);
        seen.Select(h => h.Document.Id).Distinct().Count().ShouldBe(corpus.Documents.Count);
        seen.Select(h => h.Document.CreatedAt).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public async Task Date_range_and_day_facet_use_the_facet_time_zone()
    {
        var from = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(8));
        var filter = new SearchFilter { From = from, To = from.AddDays(1) };
        var result = await corpus.Index.SearchAsync(new SearchQuery { Filter = filter, Size = 100 }, TestContext.Current.CancellationToken);
        var expected = corpus.Documents.Count(d => d.CreatedAt >= from && d.CreatedAt < from.AddDays(1));
        result.Total.ShouldBe(expected);
        result.Facets.Day.ShouldBe([new FacetCount("2026-11-02", expected)]);
    }
}
