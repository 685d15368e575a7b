using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Testing;

namespace Scrm.Search.Tests;

public sealed class SearchApiTests(SearchApiTests.App app) : IClassFixture<SearchApiTests.App>
{
    public sealed class App() : ScrmApp();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Mention(string id, string text, string source = "weibo", string created = "2026-11-20T10:00:00+08:00") =>
        new { source, externalId = id, author = new { id = "u-" + id, name = "用戶" + id }, text, createdAt = created };

    private async Task PostMentionsAsync(params object[] mentions)
    {
        using var ingest = app.ClientFor("ingest");
        var response = await ingest.PostAsJsonAsync("/api/v1/mentions", mentions, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    private async Task<JsonElement> SearchAsync(string query, string role = "community")
    {
        using var client = app.ClientFor(role);
        var response = await client.GetAsync("/api/v1/search?" + query, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private async Task<JsonElement> WaitForAsync(string query, int total, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var body = await SearchAsync(query);
            if (body.GetProperty("total").GetProperty("value").GetInt64() >= total || deadline.Elapsed > (within ?? TimeSpan.FromSeconds(15)))
            {
                return body;
            }

            await Task.Delay(20, Ct);
        }
    }

    private static string Q(string text) => "q=" + Uri.EscapeDataString(text);

    [Fact]
    public async Task A_posted_mention_is_searchable_within_a_second()
    {
        // Warm the path once, so the measured round is the steady state.
        await PostMentionsAsync(Mention("warm-1", "預熱一下搜索"));
        await WaitForAsync(Q("預熱"), 1);

        await PostMentionsAsync(Mention("fresh-1", "剛剛收到的投訴：物流太慢了"));
        var clock = Stopwatch.StartNew();
        var body = await WaitForAsync(Q("物流太慢"), 1, within: TimeSpan.FromSeconds(1));
        var elapsed = clock.Elapsed;

        body.GetProperty("total").GetProperty("value").GetInt64().ShouldBe(1, $"not searchable after {elapsed.TotalMilliseconds:F0} ms");
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1));
        var hit = body.GetProperty("hits")[0];
        hit.GetProperty("id").GetString().ShouldBe("webhook:weibo:fresh-1");
        hit.GetProperty("type").GetString().ShouldBe("mention");
        // One channel vocabulary: a Weibo mention posted as JSON is a weibo mention, like a polled one.
        hit.GetProperty("channel").GetString().ShouldBe("weibo");
        hit.GetProperty("account").GetString().ShouldBe("webhook");
        hit.GetProperty("author").GetProperty("name").GetString().ShouldBe("用戶fresh-1");
        hit.GetProperty("snippet").GetString().ShouldBe("剛剛收到的投訴：<em>物流太慢</em>了");
        hit.GetProperty("score").GetDouble().ShouldBeGreaterThan(0);
        body.GetProperty("total").GetProperty("relation").GetString().ShouldBe("eq");
    }

    [Fact]
    public async Task A_mentions_text_is_indexed_not_stored_and_its_hit_reads_the_text_from_the_journal()
    {
        const string Text = "客服回覆很慢，退款等了兩週還沒到賬";
        await PostMentionsAsync(Mention("unstored-1", Text));
        var body = await WaitForAsync(Q("退款"), 1);

        var hit = body.GetProperty("hits").EnumerateArray().Single(h => h.GetProperty("id").GetString() == "webhook:weibo:unstored-1");
        hit.GetProperty("snippet").GetString().ShouldBe("客服回覆很慢，<em>退款</em>等了兩週還沒到賬");
        hit.GetProperty("snippetText").GetString().ShouldBe(Text);

        // The index keeps the text's terms and the journal's position, not the text itself.
        var index = app.Services.GetRequiredService<Scrm.Search.Lucene.LuceneSearchIndex>();
        index.Commit();
        using var directory = global::Lucene.Net.Store.FSDirectory.Open(index.Path);
        using var reader = global::Lucene.Net.Index.DirectoryReader.Open(directory);
        var searcher = new global::Lucene.Net.Search.IndexSearcher(reader);
        var found = searcher.Search(new global::Lucene.Net.Search.TermQuery(Scrm.Search.Lucene.LuceneFields.IdTerm("webhook:weibo:unstored-1")), 1);
        found.TotalHits.ShouldBe(1);
        var document = searcher.Doc(found.ScoreDocs[0].Doc);
        var stored = Scrm.Search.Lucene.LuceneFields.FromDocument(document);
        stored.Text.ShouldBeEmpty();
        stored.JournalPosition.ShouldNotBeNull();
        var source = document.GetBinaryValue(Scrm.Search.Lucene.LuceneFields.Source);
        Encoding.UTF8.GetString(source.Bytes, source.Offset, source.Length).ShouldNotContain("退款");
    }

    [Fact]
    public async Task Snippets_escape_stored_markup()
    {
        await PostMentionsAsync(Mention("xss-1", "<script>alert(1)</script> 腳本注入測試"));
        var body = await WaitForAsync(Q("腳本注入"), 1);
        var snippet = body.GetProperty("hits")[0].GetProperty("snippet").GetString()!;
        snippet.ShouldNotContain("<script>");
        snippet.ShouldContain("&lt;script&gt;");
        snippet.ShouldContain("<em>腳本注入</em>");
    }

    [Fact]
    public async Task Paging_with_the_cursor_visits_every_hit_once_and_facets_count_the_whole_set()
    {
        var mentions = Enumerable.Range(0, 25)
            .Select(i => Mention($"page-{i}", $"分頁檢查第{i}條", i % 2 == 0 ? "weibo" : "wechat", $"2026-11-{10 + i % 3}T10:00:00+08:00"))
            .ToArray();
        await PostMentionsAsync(mentions);
        var first = await WaitForAsync(Q("分頁檢查"), 25);

        first.GetProperty("total").GetProperty("value").GetInt64().ShouldBe(25);
        var days = first.GetProperty("facets").GetProperty("day").EnumerateArray().ToDictionary(d => d.GetProperty("value").GetString()!, d => d.GetProperty("count").GetInt64());
        days.ShouldBe(new Dictionary<string, long> { ["2026-11-10"] = 9, ["2026-11-11"] = 8, ["2026-11-12"] = 8 });
        first.GetProperty("facets").GetProperty("type")[0].GetProperty("value").GetString().ShouldBe("mention");

        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await SearchAsync(Q("分頁檢查") + "&sort=newest&size=10" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            ids.AddRange(page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);

        ids.Count.ShouldBe(25);
        ids.Distinct().Count().ShouldBe(25);
    }

    [Fact]
    public async Task A_tampered_or_foreign_cursor_is_a_400_problem()
    {
        await PostMentionsAsync(Mention("cur-1", "游標測試一"), Mention("cur-2", "游標測試二"));
        var page = await WaitForAsync(Q("游標測試") + "&size=1", 2);
        var cursor = page.GetProperty("next").GetString()!;
        var tampered = (cursor[0] == 'A' ? 'B' : 'A') + cursor[1..];

        using var client = app.ClientFor("sales");
        foreach (var query in new[] { Q("游標測試") + "&size=1&cursor=" + tampered, Q("別的查詢") + "&size=1&cursor=" + cursor, "cursor=not-a-cursor" })
        {
            var response = await client.GetAsync("/api/v1/search?" + query, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("cursor");
        }

        (await client.GetAsync("/api/v1/search?" + Q("游標測試") + "&size=1&cursor=" + Uri.EscapeDataString(cursor), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("size=0", "size")]
    [InlineData("size=101", "size")]
    [InlineData("size=ten", "size")]
    [InlineData("sort=random", "sort")]
    [InlineData("type=invoice", "type")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-02&to=2026-11-01", "to")]
    [InlineData("q=a&q=b", "q")]
    [InlineData("select=*", "select")]
    [InlineData("facets=maybe", "facets")]
    public async Task Invalid_parameters_are_400_problems_naming_the_parameter(string query, string field)
    {
        using var client = app.ClientFor("marketer");
        var response = await client.GetAsync("/api/v1/search?" + query, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Refusals_answer_in_the_readers_language_chinese_unless_english_is_asked()
    {
        using var client = app.ClientFor("marketer");

        async Task<JsonElement> RefusedAsync(HttpStatusCode status, string? language, Func<HttpRequestMessage> request)
        {
            using var message = request();
            if (language is not null)
            {
                message.Headers.AcceptLanguage.ParseAdd(language);
            }

            var response = await client.SendAsync(message, Ct);
            response.StatusCode.ShouldBe(status);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }

        HttpRequestMessage BadParameters() => new(HttpMethod.Get, "/api/v1/search?size=0&sort=random");
        var zh = await RefusedAsync(HttpStatusCode.BadRequest, null, BadParameters);
        zh.GetProperty("detail").GetString().ShouldBe("请修正所列参数后再搜索。");
        zh.GetProperty("errors").GetProperty("size")[0].GetString().ShouldBe("必须是 1 到 100 的整数");
        zh.GetProperty("errors").GetProperty("sort")[0].GetString()!.ShouldStartWith("必须是 relevance（相关度）");
        var en = await RefusedAsync(HttpStatusCode.BadRequest, "en-US,en;q=0.9", BadParameters);
        en.GetProperty("detail").GetString().ShouldBe("Fix the listed parameters and search again.");
        en.GetProperty("errors").GetProperty("size")[0].GetString().ShouldBe("must be a whole number from 1 to 100");

        HttpRequestMessage NotJson() => new(HttpMethod.Post, "/api/v1/search") { Content = new StringContent("{\"q\": 收费}", Encoding.UTF8, "application/json") };
        var zhJson = (await RefusedAsync(HttpStatusCode.BadRequest, "zh-CN", NotJson)).GetProperty("detail").GetString()!;
        zhJson.ShouldStartWith("请求体不是有效的 JSON：第 1 行第 7 个字节处");
        zhJson.ShouldNotContain("invalid", Case.Insensitive);
        (await RefusedAsync(HttpStatusCode.BadRequest, "en", NotJson)).GetProperty("detail").GetString()!
            .ShouldStartWith("The request body is not valid JSON: at line 1, byte 7");

        HttpRequestMessage PlainText() => new(HttpMethod.Post, "/api/v1/search") { Content = new StringContent("q=收费", Encoding.UTF8, "text/plain") };
        (await RefusedAsync(HttpStatusCode.UnsupportedMediaType, null, PlainText)).GetProperty("title").GetString().ShouldBe("不支持的媒体类型");
        (await RefusedAsync(HttpStatusCode.UnsupportedMediaType, "en", PlainText)).GetProperty("title").GetString().ShouldBe("Unsupported media type");
    }

    [Fact]
    public async Task Hostile_queries_are_plain_text_and_answered_quickly()
    {
        await PostMentionsAsync(Mention("plain-1", "普通的內容"), Mention("plain-2", "其他普通內容"));
        await WaitForAsync(Q("普通"), 2);
        using var client = app.ClientFor("sales");
        client.Timeout = TimeSpan.FromSeconds(10);
        var files = Directory.GetFiles(Repo.Fixture("hostile"), "query-*.q");
        files.Length.ShouldBeGreaterThanOrEqualTo(11);
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file, Ct);
            var get = await client.GetAsync("/api/v1/search?" + Q(text), Ct);
            get.StatusCode.ShouldBe(HttpStatusCode.OK, Path.GetFileName(file));
            var body = await get.Content.ReadFromJsonAsync<JsonElement>(Ct);
            body.GetProperty("total").GetProperty("value").GetInt64().ShouldBe(0, $"{Path.GetFileName(file)} must not expand to documents");

            var post = await client.PostAsJsonAsync("/api/v1/search", new { q = text, size = 100 }, Ct);
            post.StatusCode.ShouldBe(HttpStatusCode.OK, Path.GetFileName(file));
        }
    }

    [Fact]
    public async Task The_structured_filter_body_selects_by_channel_account_and_time()
    {
        await PostMentionsAsync(
            Mention("body-1", "結構化篩選", "weibo", "2026-11-01T09:00:00+08:00"),
            Mention("body-2", "結構化篩選", "wechat", "2026-11-01T09:00:00+08:00"),
            Mention("body-3", "結構化篩選", "weibo", "2026-10-01T09:00:00+08:00"));
        await WaitForAsync(Q("結構化篩選"), 3);
        using var client = app.ClientFor("marketer");
        var response = await client.PostAsJsonAsync("/api/v1/search", new
        {
            q = "結構化篩選",
            types = new[] { "mention" },
            channels = new[] { "weibo" },
            accounts = new[] { "webhook" },
            from = "2026-11-01",
            to = "2026-11-02",
            sort = "newest",
        }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()).ShouldBe(["webhook:weibo:body-1"]);
    }

    [Theory]
    [InlineData("{\"q\":\"x\",\"select\":\"*\"}")]
    [InlineData("{\"q\":\"x\",\"q\":\"y\"}")]
    [InlineData("{\"types\":\"mention\"}")]
    [InlineData("{\"size\":\"10\"}")]
    [InlineData("[]")]
    [InlineData("{\"q\":")]
    public async Task A_malformed_filter_body_is_a_400_problem(string json)
    {
        using var client = app.ClientFor("marketer");
        var response = await client.PostAsync("/api/v1/search", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Search_needs_a_staff_key_and_rebuild_needs_admin()
    {
        using var anonymous = app.CreateClient();
        (await anonymous.GetAsync("/api/v1/search?q=x", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var ingest = app.ClientFor("ingest");
        (await ingest.GetAsync("/api/v1/search?q=x", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ingest.PostAsJsonAsync("/api/v1/search", new { q = "x" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var sales = app.ClientFor("sales");
        (await sales.GetAsync("/api/v1/search?q=x", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await sales.PostAsync("/api/v1/search/rebuild", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await sales.GetAsync("/api/v1/search/rebuild", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Rebuild_reindexes_the_journal_and_reports_progress()
    {
        await PostMentionsAsync(Mention("rb-1", "重建索引之一"), Mention("rb-2", "重建索引之二"));
        await WaitForAsync(Q("重建索引"), 2);
        using var admin = app.ClientFor("admin");

        var start = await admin.PostAsync("/api/v1/search/rebuild", null, Ct);
        start.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        JsonElement status;
        var clock = Stopwatch.StartNew();
        do
        {
            await Task.Delay(50, Ct);
            status = await admin.GetFromJsonAsync<JsonElement>("/api/v1/search/rebuild", Ct);
        }
        while (status.GetProperty("state").GetString() == "running" && clock.Elapsed < TimeSpan.FromSeconds(30));

        status.GetProperty("state").GetString().ShouldBe("completed");
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/v1/journal/stats", Ct);
        status.GetProperty("through").GetInt64().ShouldBeLessThanOrEqualTo(stats.GetProperty("lastPosition").GetInt64());
        status.GetProperty("documents").GetInt64().ShouldBeGreaterThanOrEqualTo(2);
        (await SearchAsync(Q("重建索引"))).GetProperty("total").GetProperty("value").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task The_indexer_lag_shows_in_journal_stats()
    {
        await PostMentionsAsync(Mention("lag-1", "延遲統計"));
        await WaitForAsync(Q("延遲統計"), 1);
        using var admin = app.ClientFor("admin");
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/v1/journal/stats", Ct);
        var consumer = stats.GetProperty("consumers").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "search-index");
        consumer.GetProperty("lag").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
        consumer.GetProperty("position").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_posted_lead_is_found_by_company_and_message()
    {
        using var ingest = app.ClientFor("ingest");
        var response = await ingest.PostAsJsonAsync("/api/v1/ingest/leads", new
        {
            name = "王小明",
            company = "星辰科技",
            phone = "+8613800138000",
            message = "想了解企業版報價",
            externalId = "lead-search-1",
        }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));

        var body = await WaitForAsync(Q("星辰科技 報價") + "&type=lead", 1);
        var hit = body.GetProperty("hits").EnumerateArray().ShouldHaveSingleItem();
        hit.GetProperty("type").GetString().ShouldBe("lead");
        hit.GetProperty("title").GetString().ShouldBe("王小明 · 星辰科技");
    }
}
