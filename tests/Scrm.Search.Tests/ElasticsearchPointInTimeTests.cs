using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scrm.Search.Api;
using Scrm.Search.Elasticsearch;

namespace Scrm.Search.Tests;

/// <summary>Deep paging on Elasticsearch: <c>search_after</c> inside a point in time, against the in-memory fake cluster.</summary>
public sealed class ElasticsearchPointInTimeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));
    private FakeElasticsearch _fake = null!;
    private ElasticsearchClientIndex _index = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeElasticsearch.StartAsync();
        _fake.Cluster = new FakeCluster();
        var options = new ElasticsearchOptions { Url = _fake.Url.ToString(), Index = "crm", Replicas = 0, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(5) };
        _index = new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
        (await _index.UpsertAsync([.. Enumerable.Range(0, 30).Select(i => Doc($"d{i:00}", i))], Ct)).Rejected.ShouldBeEmpty();
    }

    public async ValueTask DisposeAsync()
    {
        _index.Dispose();
        await _fake.DisposeAsync();
        _fake.Cluster!.Unsupported.ShouldBeEmpty();
        _fake.SchemaErrors.ShouldBeEmpty();
    }

    private static SearchDocument Doc(string id, int minute, string text = "會員積分兌換") =>
        new(id, DocumentTypes.Mention, "wechat", "gh_1", null, null, null, text, At.AddMinutes(minute), null, []);

    private Task<SearchResult> PageAsync(SearchAfter? after, SearchSort sort = SearchSort.Oldest) =>
        _index.SearchAsync(new SearchQuery { Text = "積分", Sort = sort, Size = 10, After = after }, Ct);

    [Fact]
    public async Task Pages_after_the_first_read_one_point_in_time_that_is_closed_after_the_last_page()
    {
        var first = await PageAsync(null);
        first.Next!.PointInTime.ShouldBeNull();
        var second = await PageAsync(first.Next);
        var pit = second.Next!.PointInTime.ShouldNotBeNull();
        _fake.Cluster!.OpenPits.ShouldBe([pit]);

        // Written and deleted after the snapshot: the later pages do not see it.
        await _index.UpsertAsync([Doc("late", 25), Doc("later", 99)], Ct);
        await _index.DeleteAsync(["d25"], Ct);
        var third = await PageAsync(second.Next);

        first.Hits.Concat(second.Hits).Concat(third.Hits).Select(h => h.Document.Id).ShouldBe(Enumerable.Range(0, 30).Select(i => $"d{i:00}"));
        third.Next.ShouldBeNull();
        _fake.Cluster.OpenPits.ShouldBeEmpty();
        _fake.Count("POST", "/_pit").ShouldBe(1);
        _fake.Count("DELETE", "/_pit").ShouldBe(1);
        var searches = _fake.Calls.Where(c => c.Path.EndsWith("/_search", StringComparison.Ordinal)).Select(c => c.Path).ToList();
        searches.ShouldBe(["/crm/_search", "/_search", "/_search"]);

        // A new search sees the index as it is now.
        (await PageAsync(null, SearchSort.Newest)).Hits[0].Document.Id.ShouldBe("later");
    }

    [Fact]
    public async Task A_lapsed_point_in_time_continues_from_the_same_position_in_a_fresh_one()
    {
        var first = await PageAsync(null, SearchSort.Relevance);
        var second = await PageAsync(first.Next, SearchSort.Relevance);
        _fake.Cluster!.ExpirePits();

        var third = await PageAsync(second.Next, SearchSort.Relevance);

        first.Hits.Concat(second.Hits).Concat(third.Hits).Select(h => h.Document.Id).ShouldBe(Enumerable.Range(0, 30).Select(i => $"d{i:00}"), ignoreOrder: true);
        third.Next.ShouldBeNull();
        _fake.Count("POST", "/_pit").ShouldBe(2);
        _fake.Calls.Count(c => c.Path == "/_search").ShouldBe(3, "the second page, the third in the lapsed point in time, the third again in a fresh one");
        _fake.Calls.ShouldContain(c => c.Path == "/_search" && c.Body.Contains(second.Next!.PointInTime!, StringComparison.Ordinal));
        _fake.Cluster.OpenPits.ShouldBeEmpty();
    }

    [Fact]
    public void A_cursor_carries_the_point_in_time_signed_and_drops_one_too_long_to_carry()
    {
        var cursors = new SearchCursors(new byte[32]);
        var after = new SearchAfter(1.5, 1_700_000_000_000, "webhook:weibo:1") { PointInTime = "46ToAwMDaWR5BXV1aWQy" };

        var decoded = cursors.Decode(cursors.Encode(after, "q"), "q").ShouldNotBeNull();
        decoded.ShouldBe(after);
        decoded.PointInTime.ShouldBe(after.PointInTime);

        var huge = after with { PointInTime = new string('x', SearchCursors.MaxLength) };
        var cursor = cursors.Encode(huge, "q");
        cursor.Length.ShouldBeLessThanOrEqualTo(SearchCursors.MaxLength);
        cursors.Decode(cursor, "q").ShouldBe(after with { PointInTime = null });
    }
}
