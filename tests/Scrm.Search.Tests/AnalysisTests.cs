using Scrm.Search;
using Scrm.Testing;

namespace Scrm.Search.Tests;

public sealed class AnalysisTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static SearchDocument Doc(string id, string text, string? title = null) =>
        new(id, DocumentTypes.Mention, "weibo", "brand", "u1", "某用户", title, text, At, null, []);

    [Theory]
    [InlineData("crm", "我們用ＣＲＭ系統管理客戶")]
    [InlineData("ＣＲＭ系統", "we use crm系統 daily")]
    [InlineData("customers", "A loyal customer wrote in")]
    [InlineData("\"loyal customer\"", "A loyal customer wrote in")]
    [InlineData("會員積分", "查詢會員積分的方法")]
    [InlineData("積", "查詢會員積分的方法")]
    [InlineData("Ｑ", "加我q q")]
    public async Task Matches_across_width_case_and_word_forms(string query, string text)
    {
        using var folder = new TempDirectory();
        using var index = ChineseCorpus.OpenIndex(folder.Path);
        await index.UpsertAsync([Doc("a", text), Doc("b", "完全無關的內容 unrelated words")], TestContext.Current.CancellationToken);
        await index.RefreshAsync(TestContext.Current.CancellationToken);

        var result = await index.SearchAsync(new SearchQuery { Text = query }, TestContext.Current.CancellationToken);

        result.Hits.Select(h => h.Document.Id).ShouldBe(["a"]);
    }

    [Theory]
    [InlineData("會員 -積分", new[] { "b" })]
    [InlineData("\"積分 會員\"", new string[0])]
    [InlineData("會員 積分", new[] { "a" })]
    [InlineData("員積", new[] { "a" })]
    public async Task Words_must_all_match_phrases_keep_their_order_and_minus_excludes(string query, string[] expected)
    {
        using var folder = new TempDirectory();
        using var index = ChineseCorpus.OpenIndex(folder.Path);
        await index.UpsertAsync([Doc("a", "查詢會員積分"), Doc("b", "會員日活動")], TestContext.Current.CancellationToken);
        await index.RefreshAsync(TestContext.Current.CancellationToken);

        var result = await index.SearchAsync(new SearchQuery { Text = query }, TestContext.Current.CancellationToken);

        result.Hits.Select(h => h.Document.Id).ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task A_title_match_ranks_above_a_body_match()
    {
        using var folder = new TempDirectory();
        using var index = ChineseCorpus.OpenIndex(folder.Path);
        await index.UpsertAsync([Doc("body", "張三來自華為公司"), Doc("title", "來電詢問價格", "華為公司 · 張三")], TestContext.Current.CancellationToken);
        await index.RefreshAsync(TestContext.Current.CancellationToken);

        var result = await index.SearchAsync(new SearchQuery { Text = "華為" }, TestContext.Current.CancellationToken);

        result.Hits.Select(h => h.Document.Id).ShouldBe(["title", "body"]);
    }

    [Fact]
    public async Task Upserting_the_same_id_replaces_the_document()
    {
        using var folder = new TempDirectory();
        using var index = ChineseCorpus.OpenIndex(folder.Path);
        await index.UpsertAsync([Doc("a", "舊的內容")], TestContext.Current.CancellationToken);
        await index.UpsertAsync([Doc("a", "新的內容")], TestContext.Current.CancellationToken);
        await index.RefreshAsync(TestContext.Current.CancellationToken);

        (await index.CountAsync(null, SearchFilter.None, TestContext.Current.CancellationToken)).ShouldBe(1);
        (await index.CountAsync("新的", SearchFilter.None, TestContext.Current.CancellationToken)).ShouldBe(1);
        (await index.CountAsync("舊的", SearchFilter.None, TestContext.Current.CancellationToken)).ShouldBe(0);

        await index.DeleteAsync(["a"], TestContext.Current.CancellationToken);
        await index.RefreshAsync(TestContext.Current.CancellationToken);
        (await index.CountAsync(null, SearchFilter.None, TestContext.Current.CancellationToken)).ShouldBe(0);
    }

    [Fact]
    public async Task A_long_text_is_cut_around_the_first_match()
    {
        using var folder = new TempDirectory();
        using var index = ChineseCorpus.OpenIndex(folder.Path);
        var text = new string('甲', 500) + "投訴處理" + new string('乙', 500);
        await index.UpsertAsync([Doc("a", text)], TestContext.Current.CancellationToken);
        await index.RefreshAsync(TestContext.Current.CancellationToken);

        var hit = (await index.SearchAsync(new SearchQuery { Text = "投訴" }, TestContext.Current.CancellationToken)).Hits.ShouldHaveSingleItem();

        hit.Snippet.Text.Length.ShouldBeLessThan(200);
        hit.Snippet.Text.ShouldStartWith("\u2026");
        hit.Snippet.Highlights.ShouldHaveSingleItem();
        hit.Snippet.Text.Substring(hit.Snippet.Highlights[0].Start, hit.Snippet.Highlights[0].Length).ShouldBe("投訴");
    }
}
