using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Community.Tests;

/// <summary>Reply templates in Liquid over real HTTP: saved only when they render, previewed for a conversation, and a reply that starts from one reaches the customer once.</summary>
public sealed class ReplyTemplateTests : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _app = new ScrmApp(settings: InboxApp.Settings(_fake.WeChat));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? Type)> SendAsync(HttpClient client, HttpMethod method, string url, object? body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Templates_are_saved_only_when_their_Liquid_renders_and_bad_Liquid_is_a_422_naming_the_error()
    {
        using var agent = _app.Agent("agent-a");
        var created = await SendAsync(agent, HttpMethod.Post, "/api/v1/community/templates", new { name = "发货问候", body = "{{ customer.name }}您好，订单 {{ order.id }} 已发货。客服 {{ rep.id }}" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body.ToString());
        var id = created.Body.GetProperty("id").GetInt64();
        created.Body.GetProperty("version").GetInt32().ShouldBe(1);

        foreach (var (body, named, chinese) in new[]
        {
            ("{% if customer.name %}没有结束", "if", "缺少结束标签 {% endif %}"),
            ("{{ custmer.name }}您好", "custmer", "变量 custmer"),
            ("{{ customer.name | shout }}", "shout", "过滤器 shout 不存在"),
            ("{{ customer.name ", "", "标签缺少结尾 }}"),
        })
        {
            var bad = await SendAsync(agent, HttpMethod.Post, "/api/v1/community/templates", new { name = "坏模板", body });
            bad.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, body);
            bad.Type.ShouldBe("application/problem+json");
            var engineWords = bad.Body.GetProperty("liquidError").GetString()!;
            engineWords.ShouldContain(named, Case.Insensitive, body);
            var detail = bad.Body.GetProperty("detail").GetString()!;
            detail.ShouldStartWith("模板不是有效的 Liquid：", customMessage: body);
            detail.ShouldContain(chinese, customMessage: body);
            detail.ShouldNotContain(engineWords, customMessage: body);

            using var english = new HttpRequestMessage(HttpMethod.Post, "/api/v1/community/templates") { Content = JsonContent.Create(new { name = "坏模板", body }) };
            english.Headers.AcceptLanguage.ParseAdd("en");
            using var answer = await agent.SendAsync(english, Ct);
            (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString().ShouldBe("The template is not valid Liquid: " + engineWords, body);
        }

        // A bad change leaves the saved template as it was.
        var badChange = await SendAsync(agent, HttpMethod.Put, $"/api/v1/community/templates/{id}", new { name = "发货问候", body = "{% for %}", version = 1 });
        badChange.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var list = await agent.GetFromJsonAsync<JsonElement>("/api/v1/community/templates", Ct);
        list.EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldBe(["发货问候"]);
        list[0].GetProperty("body").GetString()!.ShouldStartWith("{{ customer.name }}");

        // The same name twice, or a change from a stale version: 409.
        (await SendAsync(agent, HttpMethod.Post, "/api/v1/community/templates", new { name = "发货问候", body = "你好" })).Status.ShouldBe(HttpStatusCode.Conflict);
        var changed = await SendAsync(agent, HttpMethod.Put, $"/api/v1/community/templates/{id}", new { name = "发货问候", body = "{{ customer.name }}您好", version = 1, channel = "wechat" });
        changed.Status.ShouldBe(HttpStatusCode.OK);
        changed.Body.GetProperty("version").GetInt32().ShouldBe(2);
        var stale = await SendAsync(agent, HttpMethod.Put, $"/api/v1/community/templates/{id}", new { name = "发货问候", body = "旧的", version = 1 });
        stale.Status.ShouldBe(HttpStatusCode.Conflict);
        stale.Body.GetProperty("current").GetProperty("version").GetInt32().ShouldBe(2);
        (await agent.GetFromJsonAsync<JsonElement>("/api/v1/community/templates?channel=weibo", Ct)).GetArrayLength().ShouldBe(0);

        (await SendAsync(agent, HttpMethod.Delete, $"/api/v1/community/templates/{id}", null)).Status.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(agent, HttpMethod.Get, $"/api/v1/community/templates/{id}", null)).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_template_is_previewed_for_a_conversation_and_a_reply_starting_from_it_reaches_the_customer_once()
    {
        using var admin = _app.ClientFor("admin");
        await _app.SendWeChatTextAsync("oTpl1", 7001, "模板顾客：请问发货了吗", Ct);
        var row = await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var found = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("assignee").ValueKind == JsonValueKind.String);
            return found.ValueKind == JsonValueKind.Object ? found : null;
        });
        var id = row.GetProperty("id").GetInt64();
        using var agent = _app.Agent(row.GetProperty("assignee").GetString()!);
        var template = await SendAsync(agent, HttpMethod.Post, "/api/v1/community/templates",
            new { name = "跟进", body = "{{ customer.name }}您好，会话 #{{ conversation.id }}（{{ conversation.channel }}）由{{ rep.id }}为您服务。{% if order.id == '' %}暂无订单。{% endif %}" });
        var templateId = template.Body.GetProperty("id").GetInt64();

        var preview = await SendAsync(agent, HttpMethod.Post, $"/api/v1/conversations/{id}/preview", new { templateId });
        preview.Status.ShouldBe(HttpStatusCode.OK, preview.Body.ToString());
        var expected = $"会话 #{id}（wechat）由{row.GetProperty("assignee").GetString()}为您服务。暂无订单。";
        preview.Body.GetProperty("text").GetString()!.ShouldEndWith(expected);

        var draft = await SendAsync(agent, HttpMethod.Post, $"/api/v1/conversations/{id}/preview", new { body = "{{ conversation.intent | upcase }}" });
        draft.Status.ShouldBe(HttpStatusCode.OK);
        draft.Body.GetProperty("text").GetString()!.ShouldBe(draft.Body.GetProperty("text").GetString()!.ToUpperInvariant());
        (await SendAsync(agent, HttpMethod.Post, $"/api/v1/conversations/{id}/preview", new { body = "{% if %}" })).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await SendAsync(agent, HttpMethod.Post, $"/api/v1/conversations/{id}/preview", new { templateId = 999_999 })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(agent, HttpMethod.Post, $"/api/v1/conversations/{id}/preview", new { templateId, body = "x" })).Status.ShouldBe(HttpStatusCode.BadRequest);
        _fake.State.CallsTo("custom_send").ShouldBeEmpty();

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{id}/replies") { Content = JsonContent.Create(new { replyTemplateId = templateId }) };
            request.Headers.Add("Idempotency-Key", "from-template-1");
            var reply = await agent.SendAsync(request, Ct);
            reply.StatusCode.ShouldBe(HttpStatusCode.Created, await reply.Content.ReadAsStringAsync(Ct));
        }

        var sent = _fake.State.CallsTo("custom_send").Where(c => (string?)c.Body["touser"] == "oTpl1").ToList();
        sent.Count.ShouldBe(1);
        ((string?)sent[0].Body["text"]!["content"])!.ShouldEndWith(expected);
    }
}
