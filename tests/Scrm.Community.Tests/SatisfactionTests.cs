using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Community.Satisfaction;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Community.Tests;

public sealed class SurveyAnswerTests
{
    [Theory]
    [InlineData("5", 5)]
    [InlineData(" 1 ", 1)]
    [InlineData("４", 4)]
    [InlineData("3分", 3)]
    [InlineData("5！", 5)]
    [InlineData("满意", 5)]
    [InlineData("非常满意。", 5)]
    [InlineData("不满意", 1)]
    [InlineData("一般", 3)]
    [InlineData("6", null)]
    [InlineData("0", null)]
    [InlineData("55", null)]
    [InlineData("我还想问一下发票的事", null)]
    [InlineData("", null)]
    public void A_reply_to_the_survey_reads_as_a_score_or_as_no_answer(string text, int? score) =>
        SurveyAnswers.Score(text).ShouldBe(score);
}

/// <summary>
/// Satisfaction over real HTTP against the fake channel server: resolving a conversation sends the
/// survey once through its channel (the shipped workflow), the customer's "5" is recorded and leaves
/// it resolved, "不满意" opens it again and tells the team lead, and CSAT is reported per agent, channel and intent.
/// </summary>
public sealed class SatisfactionTests : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        var settings = InboxApp.Settings(_fake.WeChat);
        // Agents reach their own conversations only: their CSAT report is about those.
        settings["Scrm:Access:Reach:community:conversations"] = "Own";
        _app = new ScrmApp(settings: settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private List<string> SentTo(string openId) =>
        [.. _fake.State.CallsTo("custom_send").Where(c => (string?)c.Body["touser"] == openId).Select(c => (string)c.Body["text"]!["content"]!)];

    private async Task<(long Id, HttpClient Agent, string Name)> AnsweredAndResolvedAsync(HttpClient admin, string openId, long msgId, string text)
    {
        await _app.SendWeChatTextAsync(openId, msgId, text, Ct);
        var row = await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var found = page.GetProperty("items").EnumerateArray().FirstOrDefault(i =>
                i.GetProperty("assignee").ValueKind == JsonValueKind.String && i.GetProperty("preview").GetString()!.Contains(text[..3], StringComparison.Ordinal));
            return found.ValueKind == JsonValueKind.Object ? found : null;
        });
        var id = row.GetProperty("id").GetInt64();
        var name = row.GetProperty("assignee").GetString()!;
        var agent = _app.Agent(name);
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{id}/replies") { Content = JsonContent.Create(new { text = "已为您处理好了。" }) })
        {
            request.Headers.Add("Idempotency-Key", $"answer-{id}");
            (await agent.SendAsync(request, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var version = (await agent.ConversationAsync(id)).GetProperty("conversation").GetProperty("version").GetInt32();
        var resolved = await agent.PostAsJsonAsync($"/api/v1/conversations/{id}/resolve", new { version }, Ct);
        resolved.StatusCode.ShouldBe(HttpStatusCode.OK);
        version = (await resolved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("version").GetInt32();
        // Resolving again is no new resolution: one survey.
        (await agent.PostAsJsonAsync($"/api/v1/conversations/{id}/resolve", new { version }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await InboxApp.PollAsync(async () =>
        {
            await Task.CompletedTask;
            return SentTo(openId).Count == 2 ? JsonSerializer.SerializeToElement(true) : null;
        });
        return (id, agent, name);
    }

    [Fact]
    public async Task Resolving_sends_one_survey_a_5_is_recorded_a_low_score_reopens_and_alerts_the_team_lead_and_CSAT_is_reported()
    {
        using var admin = _app.ClientFor("admin");
        using var teamLead = _app.Agent("agent-c");
        var (happyId, happyAgent, happyName) = await AnsweredAndResolvedAsync(admin, "oHappy", 8001, "满意客户：快递到哪了");
        var (sadId, sadAgent, sadName) = await AnsweredAndResolvedAsync(admin, "oSad", 8002, "不满客户：东西坏了");
        SentTo("oHappy")[1].ShouldContain("1–5");
        await Task.Delay(1_500, Ct);
        SentTo("oHappy").Count.ShouldBe(2);
        SentTo("oSad").Count.ShouldBe(2);

        await _app.SendWeChatTextAsync("oHappy", 8003, "5", Ct);
        await _app.SendWeChatTextAsync("oSad", 8004, "不满意", Ct);

        var reopened = await InboxApp.PollAsync(async () =>
        {
            var d = await sadAgent.ConversationAsync(sadId);
            return d.GetProperty("conversation").GetProperty("status").GetString() == "open" ? d : null;
        });
        reopened.GetProperty("messages").EnumerateArray().Last().GetProperty("text").GetString().ShouldBe("不满意");
        var alert = await InboxApp.PollAsync(async () =>
        {
            var list = await teamLead.GetFromJsonAsync<JsonElement>("/api/v1/community/notifications", Ct);
            var found = list.EnumerateArray().FirstOrDefault(n => n.GetProperty("kind").GetString() == "low-csat");
            return found.ValueKind == JsonValueKind.Object ? found : null;
        });
        alert.GetProperty("conversationId").GetInt64().ShouldBe(sadId);

        var happy = await InboxApp.PollAsync(async () =>
        {
            var d = await happyAgent.ConversationAsync(happyId);
            return d.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("text").GetString() == "5") ? d : null;
        });
        happy.GetProperty("conversation").GetProperty("status").GetString().ShouldBe("resolved");

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/v1/community/reports/csat", Ct);
        report.GetProperty("overall").GetProperty("sent").GetInt32().ShouldBe(2);
        report.GetProperty("overall").GetProperty("answered").GetInt32().ShouldBe(2);
        report.GetProperty("overall").GetProperty("average").GetDouble().ShouldBe(3.0);
        report.GetProperty("overall").GetProperty("csat").GetDouble().ShouldBe(50.0);
        var byAgent = report.GetProperty("byAgent").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("average").GetDouble());
        if (happyName == sadName)
        {
            byAgent[happyName].ShouldBe(3.0);
        }
        else
        {
            byAgent[happyName].ShouldBe(5.0);
            byAgent[sadName].ShouldBe(1.0);
        }

        report.GetProperty("byChannel").EnumerateArray().Single().GetProperty("key").GetString().ShouldBe("wechat");
        // An agent's report counts the surveys on the conversations they reach.
        var happyOwn = await happyAgent.GetFromJsonAsync<JsonElement>("/api/v1/community/reports/csat", Ct);
        happyOwn.GetProperty("byAgent").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ShouldBe([happyName]);
        happyOwn.GetProperty("overall").GetProperty("sent").GetInt32().ShouldBe(happyName == sadName ? 2 : 1);
        report.GetProperty("byIntent").EnumerateArray().Sum(r => r.GetProperty("answered").GetInt32()).ShouldBe(2);
        (await admin.GetAsync("/api/v1/community/reports/csat?from=2026-12-31&to=2026-01-01", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        happyAgent.Dispose();
        sadAgent.Dispose();
    }
}
