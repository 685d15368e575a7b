using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Community.Tests;

public sealed class SqliteConversationTests(PostgresServer postgres) : ConversationTests(postgres, usePostgres: false);

public sealed class PostgresConversationTests(PostgresServer postgres) : ConversationTests(postgres, usePostgres: true);

/// <summary>Inbound WeChat messages and Weibo comments become classified conversations in the inbox, over real HTTP on both providers.</summary>
public abstract class ConversationTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _app = new ScrmApp(storage, InboxApp.Settings());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_wechat_text_becomes_an_open_classified_conversation_and_the_next_one_joins_it()
    {
        using var agent = _app.Agent("agent-a");
        await _app.SendWeChatTextAsync("oUser1", 1001, "客服态度太差了，再也不买了，电话13800138000", Ct);

        var page = await agent.InboxWithAsync(1);
        var row = page.GetProperty("items")[0];
        row.GetProperty("channel").GetString().ShouldBe("wechat");
        row.GetProperty("status").GetString().ShouldBe("open");
        row.GetProperty("intent").GetString().ShouldBe("complaint");
        row.GetProperty("dueAt").ValueKind.ShouldBe(JsonValueKind.String);
        var last = row.GetProperty("lastInboundAt").GetDateTimeOffset();
        row.GetProperty("replyWindowClosesAt").GetDateTimeOffset().ShouldBe(last.AddHours(48));
        // A community manager reads previews with phone numbers masked.
        row.GetProperty("preview").GetString()!.ShouldContain("138****8000");
        var id = row.GetProperty("id").GetInt64();

        // The same delivery again (the platform's retry) adds nothing; a new message joins the conversation.
        await _app.SendWeChatTextAsync("oUser1", 1001, "客服态度太差了，再也不买了，电话13800138000", Ct);
        await _app.SendWeChatTextAsync("oUser1", 1002, "请问什么时候发货？", Ct);
        var detail = await InboxApp.PollAsync(async () =>
        {
            var d = await agent.ConversationAsync(id);
            return d.GetProperty("messages").GetArrayLength() >= 2 ? d : null;
        });
        await Task.Delay(500, Ct);
        detail = await agent.ConversationAsync(id);
        var messages = detail.GetProperty("messages").EnumerateArray().ToList();
        messages.Count.ShouldBe(2);
        messages.ShouldAllBe(m => m.GetProperty("direction").GetString() == "in");
        messages[0].GetProperty("intent").GetString().ShouldBe("complaint");
        messages[0].GetProperty("model").GetString().ShouldBe("zh-reviews-1");
        messages[0].GetProperty("text").GetString()!.ShouldNotContain("13800138000");
        messages[1].GetProperty("text").GetString().ShouldBe("请问什么时候发货？");
        detail.GetProperty("conversation").GetProperty("messages").GetInt32().ShouldBe(2);
        (await agent.InboxWithAsync(1)).GetProperty("items")[0].GetProperty("id").GetInt64().ShouldBe(id);

        // The customer resolved from the OpenID is shown beside it, masked for the community role.
        var customer = (await InboxApp.PollAsync(async () =>
        {
            var d = await agent.ConversationAsync(id);
            return d.GetProperty("customer").ValueKind == JsonValueKind.Object ? d : null;
        })).GetProperty("customer");
        customer.GetProperty("masked").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task The_inbox_puts_the_most_urgent_first_and_pages_with_a_cursor()
    {
        using var agent = _app.Agent("agent-a");
        var longAgo = DateTimeOffset.UtcNow.AddDays(-10);
        await _app.CommentOnWeiboAsync("5001", "c1", "s1", "非常喜欢，包装很精美，已经推荐给朋友了", longAgo.AddHours(1), Ct);
        await _app.CommentOnWeiboAsync("5002", "c2", "s1", "质量太差了，用了两天就坏了，要求退货", longAgo, Ct);
        await _app.CommentOnWeiboAsync("5003", "c3", "s1", "这个多少钱？哪里可以买到？", DateTimeOffset.UtcNow, Ct);

        var all = await agent.InboxWithAsync(3, "?channel=weibo");
        var items = all.GetProperty("items").EnumerateArray().ToList();
        // Both old ones are past due: the complaint's due time comes first, then the praise's; the new question is not due yet.
        items.Select(i => i.GetProperty("contactName").GetString()).ShouldBe(["微博用户5002", "微博用户5001", "微博用户5003"]);
        items[0].GetProperty("breaching").GetBoolean().ShouldBeTrue();
        items[2].GetProperty("breaching").GetBoolean().ShouldBeFalse();

        var breaching = await agent.GetFromJsonAsync<JsonElement>("/api/v1/conversations?breaching=true", Ct);
        breaching.GetProperty("items").GetArrayLength().ShouldBe(2);
        var complaints = await agent.GetFromJsonAsync<JsonElement>("/api/v1/conversations?intent=complaint&status=open", Ct);
        var complaintRows = complaints.GetProperty("items").EnumerateArray().ToList();
        complaintRows.ShouldAllBe(i => i.GetProperty("intent").GetString() == "complaint" && i.GetProperty("status").GetString() == "open");
        complaintRows.Select(i => i.GetProperty("contactName").GetString()).ShouldContain("微博用户5002");
        complaintRows.Select(i => i.GetProperty("contactName").GetString()).ShouldNotContain("微博用户5001");

        var seen = new List<string?>();
        string? cursor = null;
        do
        {
            var page = await agent.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=weibo&size=1" + (cursor is null ? "" : "&after=" + cursor), Ct);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("contactName").GetString()));
            cursor = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        }
        while (cursor is not null && seen.Count < 10);

        seen.ShouldBe(["微博用户5002", "微博用户5001", "微博用户5003"]);
    }

    [Theory]
    [InlineData("?status=closed")]
    [InlineData("?intent=anger")]
    [InlineData("?size=0")]
    [InlineData("?size=201")]
    [InlineData("?after=abc")]
    [InlineData("?after=1.-2")]
    [InlineData("?breaching=maybe")]
    public async Task Bad_inbox_queries_get_problem_details(string query)
    {
        using var agent = _app.Agent("agent-a");

        var response = await agent.GetAsync("/api/v1/conversations" + query, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_missing_conversation_is_a_404_problem_and_sales_may_not_read_the_inbox()
    {
        using var agent = _app.Agent("agent-a");
        using var sales = _app.ClientFor("sales");

        var missing = await agent.GetAsync("/api/v1/conversations/424242", Ct);
        var forbidden = await sales.GetAsync("/api/v1/conversations", Ct);

        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
