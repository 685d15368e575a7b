using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Community.Tests;

public sealed class SqliteKnowledgeBaseTests(PostgresServer postgres) : KnowledgeBaseTests(postgres, usePostgres: false);

public sealed class PostgresKnowledgeBaseTests(PostgresServer postgres) : KnowledgeBaseTests(postgres, usePostgres: true);

/// <summary>
/// The knowledge base over real HTTP on both providers: the team lead edits with version checks, an
/// agent may only read; search finds Chinese articles; a customer's message gets the best articles
/// for its channel; a reply draft starts from one and counts its use.
/// </summary>
public abstract class KnowledgeBaseTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _app = new ScrmApp(storage, InboxApp.Settings(_fake.WeChat));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static async Task<JsonElement> CreatedAsync(HttpClient client, object article)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/community/articles", article, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<List<string>> TitlesAsync(HttpClient client, string query) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/v1/community/articles" + query, Ct)).EnumerateArray().Select(a => a.GetProperty("title").GetString()!)];

    [Fact]
    public async Task Managers_edit_agents_search_a_conversation_is_offered_the_best_articles_for_its_channel_and_a_draft_counts_a_use()
    {
        using var lead = _app.Agent("agent-c");
        using var agent = _app.Agent("agent-a");

        // Only community managers edit.
        (await agent.PostAsJsonAsync("/api/v1/community/articles", new { title = "越权", body = "不该保存" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var shipping = await CreatedAsync(lead, new { title = "发货时间说明", body = "下单后 48 小时内发货，节假日顺延。快递单号会通过消息发给您。", tags = new[] { "delivery", "发货" } });
        var returns = await CreatedAsync(lead, new { title = "退换货流程", body = "收到商品 7 天内可申请退换货，请在订单页提交申请。", tags = new[] { "after-sales", "complaint" }, channels = new[] { "wechat" } });
        await CreatedAsync(lead, new { title = "微博抽奖规则", body = "转发并关注即可参加抽奖，发货在开奖后 7 天内。", channels = new[] { "weibo" } });
        var old = await CreatedAsync(lead, new { title = "旧版发货说明", body = "发货需要 5 天。", active = false });
        shipping.GetProperty("version").GetInt32().ShouldBe(1);
        (await lead.PostAsJsonAsync("/api/v1/community/articles", new { title = "发货时间说明", body = "重复" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // Search: Chinese words in the title first; inactive articles only for editors who ask; channel and tag narrow it.
        (await TitlesAsync(agent, "?q=发货")).ShouldBe(["发货时间说明", "微博抽奖规则"]);
        (await TitlesAsync(agent, "?q=发货&inactive=true")).ShouldNotContain("旧版发货说明");
        (await TitlesAsync(lead, "?q=发货&inactive=true")).ShouldContain("旧版发货说明");
        (await TitlesAsync(agent, "?q=发货&channel=wechat")).ShouldBe(["发货时间说明"]);
        (await TitlesAsync(agent, "?tag=after-sales")).ShouldBe(["退换货流程"]);
        (await agent.GetAsync($"/api/v1/community/articles/{old.GetProperty("id").GetInt64()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await agent.GetAsync("/api/v1/community/articles?channel=fax", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Changes check the version seen.
        var id = shipping.GetProperty("id").GetInt64();
        var change = new { title = "发货时间说明", body = "下单后 24 小时内发货。", tags = new[] { "delivery", "发货" }, version = 1 };
        (await agent.PutAsJsonAsync($"/api/v1/community/articles/{id}", change, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await lead.PutAsJsonAsync($"/api/v1/community/articles/{id}", change, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var stale = await lead.PutAsJsonAsync($"/api/v1/community/articles/{id}", change, Ct))
        {
            stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await stale.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("current").GetProperty("version").GetInt32().ShouldBe(2);
        }

        using (var typed = await lead.PutAsync($"/api/v1/community/articles/{id}", new StringContent("{\"title\":\"x\",\"body\":\"y\",\"version\":\"2\"}", Encoding.UTF8, "application/json"), Ct))
        {
            typed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await typed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("version", out _).ShouldBeTrue();
        }

        (await lead.PutAsJsonAsync($"/api/v1/community/articles/{id}", new { title = "发货时间说明", body = "无版本" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // A customer asks about their parcel: the shipping article first, never the Weibo-only one.
        await _app.WeChatMessageAtAsync("oKb", "kb-1", "我的快递怎么还没发货？", DateTimeOffset.UtcNow, Ct);
        var row = await agent.InboxWithAsync(1, "?channel=wechat");
        var conversation = row.GetProperty("items")[0].GetProperty("id").GetInt64();
        var suggestions = (await agent.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation}/suggestions", Ct)).EnumerateArray().ToList();
        suggestions.Count.ShouldBeInRange(1, 3);
        suggestions[0].GetProperty("title").GetString().ShouldBe("发货时间说明");
        suggestions.ShouldNotContain(s => s.GetProperty("title").GetString() == "微博抽奖规则" || s.GetProperty("title").GetString() == "旧版发货说明");
        (await agent.GetAsync("/api/v1/conversations/999999/suggestions", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A reply draft from the article: its text, nothing sent, one use counted.
        using (var draft = await agent.PostAsJsonAsync($"/api/v1/conversations/{conversation}/drafts", new { articleId = id }, Ct))
        {
            draft.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await draft.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("text").GetString().ShouldBe("下单后 24 小时内发货。");
        }

        (await agent.GetFromJsonAsync<JsonElement>($"/api/v1/community/articles/{id}", Ct)).GetProperty("uses").GetInt32().ShouldBe(1);
        var weiboOnly = (await lead.GetFromJsonAsync<JsonElement>("/api/v1/community/articles?channel=weibo&q=抽奖", Ct))[0].GetProperty("id").GetInt64();
        (await agent.PostAsJsonAsync($"/api/v1/conversations/{conversation}/drafts", new { articleId = weiboOnly }, Ct)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await agent.PostAsJsonAsync($"/api/v1/conversations/{conversation}/drafts", new { articleId = old.GetProperty("id").GetInt64() }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        _fake.State.Calls.ShouldBeEmpty();

        // Deleting checks the version too.
        var returnsId = returns.GetProperty("id").GetInt64();
        (await agent.DeleteAsync($"/api/v1/community/articles/{returnsId}?version=1", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await lead.DeleteAsync($"/api/v1/community/articles/{returnsId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await lead.DeleteAsync($"/api/v1/community/articles/{returnsId}?version=7", Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await lead.DeleteAsync($"/api/v1/community/articles/{returnsId}?version=1", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await lead.GetAsync($"/api/v1/community/articles/{returnsId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
