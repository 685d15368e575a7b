using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Community.Tests;

public sealed class SqliteSlaReportTests(PostgresServer postgres) : SlaReportTests(postgres, usePostgres: false);

public sealed class PostgresSlaReportTests(PostgresServer postgres) : SlaReportTests(postgres, usePostgres: true);

/// <summary>
/// The service-level report over conversations made by the real pipeline on a clock the test moves:
/// customers write, agents answer on time, late or never, the workflow escalates, and the report per
/// team, agent, channel and intent counts it, on both providers.
/// </summary>
public abstract class SlaReportTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    // A Monday in working hours (Beijing), ahead of real time: only the sweep on this clock fires the timers.
    private static readonly DateTimeOffset Monday = new(2027, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly ShiftedClock _clock = new(Monday);
    private FakeChannelServer _fake = null!;
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        var settings = InboxApp.Settings(_fake.WeChat);
        settings["Scrm:Community:Assignment:Teams:0:Manager"] = "manager-m";
        settings["Scrm:Auth:ApiKeys:9:Key"] = InboxApp.KeyOf("manager-m");
        settings["Scrm:Auth:ApiKeys:9:Role"] = "community";
        settings["Scrm:Auth:ApiKeys:9:Name"] = "manager-m";
        settings["Scrm:Workflows:SweepInterval"] = "00:00:00.200";
        // Agents reach their own conversations only: their report is about those.
        settings["Scrm:Access:Reach:community:conversations"] = "Own";
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _app = new ScrmApp(storage, settings, services: s => s.AddSingleton<TimeProvider>(_clock));
    }

    public async ValueTask DisposeAsync()
    {
        _clock.Reset();
        try
        {
            await _app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await _fake.DisposeAsync();
        }
    }

    private async Task<JsonElement> AssignedAsync(HttpClient client, string contact) =>
        await InboxApp.PollAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault(i =>
                i.GetProperty("assignee").ValueKind == JsonValueKind.String && i.GetProperty("preview").GetString()!.Contains(contact, StringComparison.Ordinal));
            return row.ValueKind == JsonValueKind.Object ? row : null;
        });

    private static async Task ReplyAsync(HttpClient agent, long id, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{id}/replies") { Content = JsonContent.Create(new { text = "您好，马上为您处理。" }) };
        request.Headers.Add("Idempotency-Key", key);
        (await agent.SendAsync(request, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    /// <summary>Waits until the team lead (or manager) has been told about the conversation with this kind of alert.</summary>
    private static Task<JsonElement> AlertedAsync(HttpClient client, long id, string kind) =>
        InboxApp.PollAsync(async () =>
        {
            var found = (await client.GetFromJsonAsync<JsonElement>("/api/v1/community/notifications", Ct)).EnumerateArray().FirstOrDefault(n =>
                n.GetProperty("conversationId").ValueKind == JsonValueKind.Number && n.GetProperty("conversationId").GetInt64() == id && n.GetProperty("kind").GetString() == kind);
            return found.ValueKind == JsonValueKind.Object ? found : null;
        });

    private static async Task<JsonElement> ReportAsync(HttpClient client) =>
        await client.GetFromJsonAsync<JsonElement>("/api/v1/community/reports/sla?from=2027-03-01T00:00:00%2B08:00&to=2027-03-02T00:00:00%2B08:00", Ct);

    private static JsonElement Row(JsonElement report, string group, string key) =>
        report.GetProperty(group).EnumerateArray().Single(r => r.GetProperty("key").GetString() == key);

    [Fact]
    public async Task The_report_counts_response_times_breaches_escalations_and_overdue_conversations_per_team_agent_channel_and_intent()
    {
        using var admin = _app.ClientFor("admin");
        using var teamLead = _app.Agent("agent-c");
        using var manager = _app.Agent("manager-m");
        await _app.WeChatMessageAtAsync("oQuick", "quick-1", "快客户：收到的东西是坏的，太差了", _clock.GetUtcNow(), Ct);
        await _app.WeChatMessageAtAsync("oLate", "late-1", "迟到客户：客服态度太差了，再也不买了", _clock.GetUtcNow(), Ct);
        await _app.WeChatMessageAtAsync("oSilent", "silent-1", "沉默客户：质量太差，要求退货", _clock.GetUtcNow(), Ct);
        var quick = await AssignedAsync(admin, "快客户");
        var late = await AssignedAsync(admin, "迟到客户");
        var silent = await AssignedAsync(admin, "沉默客户");
        // Complaints: a first response within 1 working hour, a resolution within 8.
        foreach (var c in new[] { quick, late, silent })
        {
            c.GetProperty("intent").GetString().ShouldBe("complaint");
        }

        var (quickId, lateId, silentId) = (quick.GetProperty("id").GetInt64(), late.GetProperty("id").GetInt64(), silent.GetProperty("id").GetInt64());
        using var quickAgent = _app.Agent(quick.GetProperty("assignee").GetString()!);
        using var lateAgent = _app.Agent(late.GetProperty("assignee").GetString()!);

        // The quick customer is answered at once and resolved.
        await ReplyAsync(quickAgent, quickId, "quick-reply");
        var version = (await quickAgent.ConversationAsync(quickId)).GetProperty("conversation").GetProperty("version").GetInt32();
        (await quickAgent.PostAsJsonAsync($"/api/v1/conversations/{quickId}/resolve", new { version }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // 11:30: the late customer is answered after the team lead heard of it; the silent one's team lead heard too.
        _clock.JumpTo(Monday.AddMinutes(90));
        await AlertedAsync(teamLead, lateId, "sla-breach");
        await AlertedAsync(teamLead, silentId, "sla-breach");
        await ReplyAsync(lateAgent, lateId, "late-reply");

        // 13:00: nobody answered the silent customer by twice the target: the manager hears of it.
        _clock.JumpTo(Monday.AddHours(3));
        await AlertedAsync(manager, silentId, "sla-escalation");
        var report = await ReportAsync(admin);
        var overall = report.GetProperty("overall");
        overall.GetProperty("conversations").GetInt32().ShouldBe(3);
        overall.GetProperty("answered").GetInt32().ShouldBe(2);
        overall.GetProperty("firstResponseMinutesP50").GetDouble().ShouldBeLessThan(1);
        overall.GetProperty("firstResponseMinutesP90").GetDouble().ShouldBeInRange(89, 91);
        overall.GetProperty("firstResponseBreaches").GetInt32().ShouldBe(2);
        overall.GetProperty("resolutionBreaches").GetInt32().ShouldBe(0);
        overall.GetProperty("escalations").GetInt32().ShouldBe(3);
        overall.GetProperty("openBreachingNow").GetInt32().ShouldBe(1);
        var complaint = Row(report, "byIntent", "complaint");
        complaint.GetProperty("conversations").GetInt32().ShouldBe(3);
        complaint.GetProperty("firstResponseBreaches").GetInt32().ShouldBe(2);
        Row(report, "byChannel", "wechat").GetProperty("conversations").GetInt32().ShouldBe(3);
        Row(report, "byTeam", "care").GetProperty("escalations").GetInt32().ShouldBe(3);
        report.GetProperty("byAgent").EnumerateArray().Sum(r => r.GetProperty("conversations").GetInt32()).ShouldBe(3);
        report.GetProperty("byAgent").EnumerateArray().Sum(r => r.GetProperty("firstResponseBreaches").GetInt32()).ShouldBe(2);
        var silentsAgent = Row(report, "byAgent", silent.GetProperty("assignee").GetString()!);
        silentsAgent.GetProperty("openBreachingNow").GetInt32().ShouldBe(1);
        silentsAgent.GetProperty("escalations").GetInt32().ShouldBeGreaterThanOrEqualTo(2);

        // An agent's report holds only the conversations they reach: their own.
        var lateName = late.GetProperty("assignee").GetString()!;
        var own = await ReportAsync(lateAgent);
        own.GetProperty("byAgent").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ShouldBe([lateName]);
        own.GetProperty("overall").GetProperty("conversations").GetInt32().ShouldBe(Row(report, "byAgent", lateName).GetProperty("conversations").GetInt32());
        own.GetProperty("overall").GetProperty("conversations").GetInt32().ShouldBeLessThan(3);

        // Tuesday noon: the late and the silent customers are unresolved past their working day; the quick one was resolved in time.
        _clock.JumpTo(Monday.AddDays(1).AddHours(2));
        report = await ReportAsync(admin);
        report.GetProperty("overall").GetProperty("resolutionBreaches").GetInt32().ShouldBe(2);
        report.GetProperty("overall").GetProperty("escalations").GetInt32().ShouldBe(3);
        report.GetProperty("overall").GetProperty("openBreachingNow").GetInt32().ShouldBe(1);

        // A period the wrong way round is refused, naming the field.
        using var wrong = await admin.GetAsync("/api/v1/community/reports/sla?from=2027-03-02T00:00:00Z&to=2027-03-01T00:00:00Z", Ct);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("from", out _).ShouldBeTrue();
    }
}
