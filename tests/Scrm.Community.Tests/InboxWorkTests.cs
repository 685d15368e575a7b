using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Community.Replies;
using Scrm.FakeChannels;
using Scrm.Platform.Security;
using Scrm.Testing;

namespace Scrm.Community.Tests;

public sealed class SqliteInboxWorkTests(PostgresServer postgres) : InboxWorkTests(postgres, usePostgres: false);

public sealed class PostgresInboxWorkTests(PostgresServer postgres) : InboxWorkTests(postgres, usePostgres: true);

/// <summary>
/// End to end against the fake channel server: a WeChat text becomes a conversation assigned to one
/// agent, the agent replies, and the channel receives each reply exactly once however it is retried.
/// </summary>
public abstract class InboxWorkTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        var settings = InboxApp.Settings(_fake.WeChat);
        settings["Scrm:Connectors:Weibo:Accounts:brand:AccessToken"] = "weibo-token";
        settings["Scrm:Connectors:Weibo:ApiBaseUrl"] = _fake.Weibo.ToString();
        InboxApp.AddWeCom(settings, _fake.WeCom);
        _app = new ScrmApp(storage, settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> ReplyAsync(HttpClient client, long id, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{id}/replies") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }

    private List<JsonElement> SentTo(string api, string openId) =>
        [.. _fake.State.CallsTo(api).Where(c => (string?)c.Body["touser"] == openId).Select(c => JsonDocument.Parse(c.Body.ToJsonString()).RootElement)];

    private static async Task<JsonElement> AssignedAsync(HttpClient client, string contact) =>
        (await InboxApp.PollAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault(i =>
                i.GetProperty("assignee").ValueKind == JsonValueKind.String && i.GetProperty("preview").GetString()!.Contains(contact, StringComparison.Ordinal));
            return row.ValueKind == JsonValueKind.Object ? row : null;
        }));

    [Fact]
    public async Task A_wechat_text_is_assigned_to_one_agent_and_the_reply_reaches_the_customer_once_however_it_is_retried()
    {
        using var admin = _app.ClientFor("admin");
        await _app.SendWeChatTextAsync("oUser1", 2001, "顾客一：我的订单还没发货", Ct);
        await _app.SendWeChatTextAsync("oUser2", 2002, "顾客二：想问一下会员价", Ct);
        var first = await AssignedAsync(admin, "顾客一");
        var second = await AssignedAsync(admin, "顾客二");
        // Least loaded: the second customer goes to the other agent.
        new[] { first.GetProperty("assignee").GetString(), second.GetProperty("assignee").GetString() }.ShouldBe(["agent-a", "agent-b"], ignoreOrder: true);
        var id = first.GetProperty("id").GetInt64();
        var agentName = first.GetProperty("assignee").GetString()!;
        using var agent = _app.Agent(agentName);
        var detail = await agent.ConversationAsync(id);
        detail.GetProperty("assignments").EnumerateArray().Single().GetProperty("kind").GetString().ShouldBe("routed");
        // The WeChat window is shown before the agent replies: open, until 48 hours after the customer's message.
        var window = detail.GetProperty("replyWindow");
        (window.GetProperty("window").GetString(), window.GetProperty("open").GetBoolean(), window.GetProperty("alternative").GetString()).ShouldBe(("wechat-48h", true, "template"));
        window.GetProperty("closesAt").GetDateTimeOffset().ShouldBe(detail.GetProperty("conversation").GetProperty("lastInboundAt").GetDateTimeOffset().AddHours(48));
        (await agent.GetFromJsonAsync<JsonElement>("/api/v1/conversations?assignee=me", Ct)).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("id").GetInt64()).ShouldBe([id]);

        // The reply, and the same request again (a retry after a lost answer): one message reaches the customer.
        var reply = await ReplyAsync(agent, id, "reply-1", new { text = "您好，已为您加急处理。" });
        var retried = await ReplyAsync(agent, id, "reply-1", new { text = "您好，已为您加急处理。" });
        reply.StatusCode.ShouldBe(HttpStatusCode.Created, await reply.Content.ReadAsStringAsync(Ct));
        retried.StatusCode.ShouldBe(HttpStatusCode.Created);
        var answer = await reply.Content.ReadFromJsonAsync<JsonElement>(Ct);
        (await retried.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("messageId").GetInt64().ShouldBe(answer.GetProperty("messageId").GetInt64());
        SentTo("custom_send", "oUser1").Select(b => b.GetProperty("text").GetProperty("content").GetString()).ShouldBe(["您好，已为您加急处理。"]);

        // A crash between the channel call and its record: the reserved reply was sent, nothing recorded it. The retry sends nothing more.
        var replies = _app.Services.GetRequiredService<ReplyService>();
        var reserved = await replies.ReserveAsync(id, "reply-2", new ReplyContent("请问还有其他问题吗？", null, null), null, new Caller(agentName, ScrmRoles.Community), Ct);
        (await replies.SendAsync(reserved.Message!, Ct)).Status.ShouldBe(Scrm.Connectors.Sdk.Contract.SendStatus.Sent);
        var resumed = await ReplyAsync(agent, id, "reply-2", new { text = "请问还有其他问题吗？" });
        resumed.StatusCode.ShouldBe(HttpStatusCode.Created);
        SentTo("custom_send", "oUser1").Count.ShouldBe(2);

        // An internal note is kept, never sent.
        (await agent.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { text = "客户很着急，明天再跟进" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        SentTo("custom_send", "oUser1").Count.ShouldBe(2);
        detail = await agent.ConversationAsync(id);
        detail.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("direction").GetString()).ShouldBe(["in", "out", "out", "note"]);
        detail.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("direction").GetString() == "out").ShouldAllBe(m => m.GetProperty("status").GetString() == "sent");
        detail.GetProperty("conversation").GetProperty("status").GetString().ShouldBe("pending");
        detail.GetProperty("conversation").GetProperty("dueAt").ValueKind.ShouldBe(JsonValueKind.Null);

        // Resolved, then the customer writes again: open once more, with the same agent.
        var version = detail.GetProperty("conversation").GetProperty("version").GetInt32();
        (await agent.PostAsJsonAsync($"/api/v1/conversations/{id}/resolve", new { version }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await _app.SendWeChatTextAsync("oUser1", 2003, "顾客一：收到了，谢谢", Ct);
        var reopened = await InboxApp.PollAsync(async () =>
        {
            var d = await agent.ConversationAsync(id);
            return d.GetProperty("conversation").GetProperty("status").GetString() == "open" ? d : null;
        });
        reopened.GetProperty("conversation").GetProperty("assignee").GetString().ShouldBe(agentName);

        // A Weibo comment on the brand's post: the answer is a public reply under that comment, sent once however the request is retried.
        await _app.CommentOnWeiboAsync("1900001", "5100000001", "4100000001", "你们的客服怎么一直不回复？", DateTimeOffset.UtcNow, Ct);
        var weibo = await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=weibo", Ct);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("assignee").ValueKind == JsonValueKind.String);
            return row.ValueKind == JsonValueKind.Object ? row : null;
        });
        using var weiboAgent = _app.Agent(weibo.GetProperty("assignee").GetString()!);
        var weiboId = weibo.GetProperty("id").GetInt64();
        var publicReply = await ReplyAsync(weiboAgent, weiboId, "weibo-1", new { text = "您好，已私信您处理进度，请查收。" });
        var publicRetry = await ReplyAsync(weiboAgent, weiboId, "weibo-1", new { text = "您好，已私信您处理进度，请查收。" });
        publicReply.StatusCode.ShouldBe(HttpStatusCode.Created, await publicReply.Content.ReadAsStringAsync(Ct));
        publicRetry.StatusCode.ShouldBe(HttpStatusCode.Created);
        var onWeibo = _fake.State.CallsTo("comments_reply").ToList();
        onWeibo.Count.ShouldBe(1);
        ((string?)onWeibo[0].Body["cid"], (string?)onWeibo[0].Body["id"], (string?)onWeibo[0].Body["comment"]).ShouldBe(("5100000001", "4100000001", "您好，已私信您处理进度，请查收。"));
        var weiboDetail = await weiboAgent.ConversationAsync(weiboId);
        weiboDetail.GetProperty("replyWindow").ValueKind.ShouldBe(JsonValueKind.Null); // a public reply on Weibo has no window
        var weiboMessages = weiboDetail.GetProperty("messages").EnumerateArray().ToList();
        weiboMessages.Select(m => m.GetProperty("direction").GetString()).ShouldBe(["in", "out"]);
        weiboMessages[1].GetProperty("status").GetString().ShouldBe("sent");
        SentTo("custom_send", "1900001").ShouldBeEmpty();

        // A WeCom customer-service (微信客服) message, pulled with kf/sync_msg on its callback: the answer goes out through kf/send_msg
        // from the kf account the customer wrote to, once however the request is retried or resumed after a crash.
        _fake.State.AddKfMessage(InboxApp.KfMessage("wkBrandService", "kf-in-1", "wmKfCustomer9", "你好，我的退款到哪一步了？", DateTimeOffset.UtcNow));
        await _app.SendKfCallbackAsync("wkBrandService", "kf-token-1", Ct);
        var kf = await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wecom", Ct);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("assignee").ValueKind == JsonValueKind.String);
            return row.ValueKind == JsonValueKind.Object ? row : null;
        });
        using var kfAgent = _app.Agent(kf.GetProperty("assignee").GetString()!);
        var kfId = kf.GetProperty("id").GetInt64();
        var kfReply = await ReplyAsync(kfAgent, kfId, "kf-1", new { text = "您好，退款已提交，预计 1 到 3 个工作日到账。" });
        var kfRetry = await ReplyAsync(kfAgent, kfId, "kf-1", new { text = "您好，退款已提交，预计 1 到 3 个工作日到账。" });
        kfReply.StatusCode.ShouldBe(HttpStatusCode.Created, await kfReply.Content.ReadAsStringAsync(Ct));
        kfRetry.StatusCode.ShouldBe(HttpStatusCode.Created);
        var kfReserved = await replies.ReserveAsync(kfId, "kf-2", new ReplyContent("还有其他可以帮您的吗？", null, null), null, new Caller(kf.GetProperty("assignee").GetString()!, ScrmRoles.Community), Ct);
        (await replies.SendAsync(kfReserved.Message!, Ct)).Status.ShouldBe(Scrm.Connectors.Sdk.Contract.SendStatus.Sent);
        (await ReplyAsync(kfAgent, kfId, "kf-2", new { text = "还有其他可以帮您的吗？" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var kfSent = _fake.State.CallsTo("kf_send_msg").ToList();
        kfSent.Select(c => ((string?)c.Body["touser"], (string?)c.Body["open_kfid"], (string?)c.Body["text"]!["content"])).ShouldBe(
            [("wmKfCustomer9", "wkBrandService", "您好，退款已提交，预计 1 到 3 个工作日到账。"), ("wmKfCustomer9", "wkBrandService", "还有其他可以帮您的吗？")]);
        kfSent.Select(c => (string?)c.Body["msgid"]).Distinct().Count().ShouldBe(2);
        _fake.State.CallsTo("add_msg_template").ShouldBeEmpty();
        (await kfAgent.ConversationAsync(kfId)).GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("direction").GetString(), m.GetProperty("status").GetString()))
            .ShouldBe([("in", null), ("out", "sent"), ("out", "sent")]);
    }

    [Fact]
    public async Task Two_agents_replying_at_once_send_one_reply_and_the_other_learns_what_changed()
    {
        using var admin = _app.ClientFor("admin");
        await _app.SendWeChatTextAsync("oUser3", 3001, "顾客三：能开发票吗", Ct);
        var row = await AssignedAsync(admin, "顾客三");
        var id = row.GetProperty("id").GetInt64();
        var version = row.GetProperty("version").GetInt32();
        using var a = _app.Agent("agent-a");
        using var b = _app.Agent("agent-b");

        var answers = await Task.WhenAll(
            ReplyAsync(a, id, "a-1", new { text = "可以的，请提供抬头。", version }),
            ReplyAsync(b, id, "b-1", new { text = "可以开具电子发票。", version }));

        answers.Select(r => r.StatusCode).ShouldBe([HttpStatusCode.Created, HttpStatusCode.Conflict], ignoreOrder: true);
        var conflict = answers.Single(r => r.StatusCode == HttpStatusCode.Conflict);
        conflict.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await conflict.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("current").GetProperty("version").GetInt32().ShouldBeGreaterThan(version);
        SentTo("custom_send", "oUser3").Count.ShouldBe(1);

        // Take-over with a stale version is refused with the conversation as it is; with the current one it is done, and recorded.
        var current = (await b.ConversationAsync(id)).GetProperty("conversation");
        var stale = await b.PostAsJsonAsync($"/api/v1/conversations/{id}/take-over", new { version }, Ct);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var taken = await b.PostAsJsonAsync($"/api/v1/conversations/{id}/take-over", new { version = current.GetProperty("version").GetInt32() }, Ct);
        taken.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await taken.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("assignee").GetString().ShouldBe("agent-b");
        var assignments = (await b.ConversationAsync(id)).GetProperty("assignments").EnumerateArray().ToList();
        assignments[^1].GetProperty("kind").GetString().ShouldBe("taken-over");
        assignments[^1].GetProperty("by").GetString().ShouldBe("agent-b");

        // Handing it to someone who is not an agent is refused.
        var unknown = await b.PostAsJsonAsync($"/api/v1/conversations/{id}/assign", new { to = "nobody" }, Ct);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Past_the_48_hour_window_free_text_is_refused_naming_the_window_and_a_template_goes_out()
    {
        using var admin = _app.ClientFor("admin");
        await _app.WeChatMessageAtAsync("oUser4", "4001", "顾客四：东西坏了怎么办", DateTimeOffset.UtcNow.AddHours(-49), Ct);
        var row = await AssignedAsync(admin, "顾客四");
        var id = row.GetProperty("id").GetInt64();

        var shown = (await admin.ConversationAsync(id)).GetProperty("replyWindow");
        (shown.GetProperty("window").GetString(), shown.GetProperty("open").GetBoolean(), shown.GetProperty("alternative").GetString()).ShouldBe(("wechat-48h", false, "template"));
        shown.GetProperty("closesAt").GetDateTimeOffset().ShouldBeLessThan(DateTimeOffset.UtcNow.AddHours(-1));

        var refused = await ReplyAsync(admin, id, "late-1", new { text = "抱歉回复晚了" });

        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("detail").GetString()!.ShouldContain("48");
        problem.GetProperty("alternative").GetString().ShouldBe("template");
        SentTo("custom_send", "oUser4").ShouldBeEmpty();

        var template = await ReplyAsync(admin, id, "late-2", new { templateId = "TPL_AFTER_SALES", values = new Dictionary<string, string> { ["first"] = "您的售后申请已受理" } });
        template.StatusCode.ShouldBe(HttpStatusCode.Created);
        SentTo("template_send", "oUser4").Single().GetProperty("template_id").GetString().ShouldBe("TPL_AFTER_SALES");

        // WeChat customer service (微信客服): nothing later than 48 hours after the customer's last message, and at most 5 messages before they write again.
        _fake.State.AddKfMessage(InboxApp.KfMessage("wkBrandService", "kf-old-1", "wmKfLate", "顾客五：客服在吗", DateTimeOffset.UtcNow.AddHours(-49)));
        _fake.State.AddKfMessage(InboxApp.KfMessage("wkBrandService", "kf-new-1", "wmKfChatty", "顾客六：我想改收货地址", DateTimeOffset.UtcNow));
        await _app.SendKfCallbackAsync("wkBrandService", "kf-token-window", Ct);
        var late = await KfConversationAsync(admin, "顾客五");
        var lateWindow = (await admin.ConversationAsync(late)).GetProperty("replyWindow");
        (lateWindow.GetProperty("window").GetString(), lateWindow.GetProperty("open").GetBoolean(), lateWindow.GetProperty("messagesLeft").GetInt32(), lateWindow.GetProperty("alternative").GetString())
            .ShouldBe(("wecom-kf-48h", false, 0, "wait-for-customer"));
        var lateReply = await ReplyAsync(admin, late, "kf-late-1", new { text = "抱歉回复晚了" });
        lateReply.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var lateProblem = await lateReply.Content.ReadFromJsonAsync<JsonElement>(Ct);
        (lateProblem.GetProperty("window").GetString(), lateProblem.GetProperty("alternative").GetString()).ShouldBe(("wecom-kf-48h", "wait-for-customer"));
        lateProblem.GetProperty("detail").GetString()!.ShouldContain("48 小时");

        var chatty = await KfConversationAsync(admin, "顾客六");
        async Task<(bool Open, int Left, int Allowed)> KfWindowAsync()
        {
            var w = (await admin.ConversationAsync(chatty)).GetProperty("replyWindow");
            w.GetProperty("closesAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddHours(47));
            return (w.GetProperty("open").GetBoolean(), w.GetProperty("messagesLeft").GetInt32(), w.GetProperty("messagesAllowed").GetInt32());
        }

        (await KfWindowAsync()).ShouldBe((true, 5, 5));
        for (var i = 1; i <= 5; i++)
        {
            (await ReplyAsync(admin, chatty, $"kf-chatty-{i}", new { text = $"第 {i} 条回复" })).StatusCode.ShouldBe(HttpStatusCode.Created);
            if (i == 2)
            {
                (await KfWindowAsync()).ShouldBe((true, 3, 5));
            }
        }

        (await KfWindowAsync()).ShouldBe((false, 0, 5));

        using var english = _app.ClientFor("admin");
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var sixth = await ReplyAsync(english, chatty, "kf-chatty-6", new { text = "第 6 条回复" });
        sixth.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var sixthProblem = await sixth.Content.ReadFromJsonAsync<JsonElement>(Ct);
        sixthProblem.GetProperty("window").GetString().ShouldBe("wecom-kf-5");
        sixthProblem.GetProperty("detail").GetString()!.ShouldContain("at most 5");
        _fake.State.CallsTo("kf_send_msg").Count(c => (string?)c.Body["touser"] == "wmKfChatty").ShouldBe(5);
        _fake.State.CallsTo("kf_send_msg").ShouldNotContain(c => (string?)c.Body["touser"] == "wmKfLate");

        // The customer writes again: a new allowance.
        _fake.State.AddKfMessage(InboxApp.KfMessage("wkBrandService", "kf-new-2", "wmKfChatty", "顾客六：好的，改成公司地址", DateTimeOffset.UtcNow.AddSeconds(1)));
        await _app.SendKfCallbackAsync("wkBrandService", "kf-token-window-2", Ct);
        await InboxApp.PollAsync(async () => (await admin.ConversationAsync(chatty)).GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("direction").GetString() == "in") == 2
            ? default(JsonElement) : null);
        (await KfWindowAsync()).ShouldBe((true, 5, 5));
        (await ReplyAsync(admin, chatty, "kf-chatty-7", new { text = "已为您修改" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        _fake.State.CallsTo("kf_send_msg").Count(c => (string?)c.Body["touser"] == "wmKfChatty").ShouldBe(6);
    }

    private static async Task<long> KfConversationAsync(HttpClient client, string contact) =>
        (await InboxApp.PollAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wecom", Ct);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("preview").GetString()!.Contains(contact, StringComparison.Ordinal));
            return row.ValueKind == JsonValueKind.Object ? row : null;
        })).GetProperty("id").GetInt64();

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"text\":\"\"}")]
    [InlineData("{\"text\":\"好\",\"templateId\":\"T\"}")]
    [InlineData("{\"text\":5}")]
    [InlineData("[")]
    [InlineData("null")]
    public async Task Malformed_replies_get_problem_details_and_nothing_is_sent(string body)
    {
        using var admin = _app.ClientFor("admin");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/conversations/1/replies") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", "bad-1");

        var response = await admin.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        _fake.State.Calls.ShouldBeEmpty();
    }
}
