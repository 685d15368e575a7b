using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Community.Tests;

/// <summary>A clock that runs with real time, shifted: jumping it forward makes the engine's sweep find its timers due.</summary>
internal sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private TimeSpan _offset = start - DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

    public void JumpTo(DateTimeOffset at) => _offset += at - GetUtcNow();

    /// <summary>Back to real time, so the host stops on the clock its timers were started on.</summary>
    public void Reset() => _offset = TimeSpan.Zero;
}

/// <summary>
/// The shipped community-replies workflow over the real host: a customer nobody answers is warned
/// about at 80 % of the first-response target, then goes to the team lead, then the manager; a
/// reply before 80 % ends the watch, and nobody hears of it.
/// </summary>
public sealed class ServiceLevelWorkflowTests : IAsyncLifetime
{
    // A Monday in working hours (Beijing), far enough ahead that no real timer fires during the test: the sweep does, on this clock.
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
        _app = new ScrmApp(settings: settings, services: s => s.AddSingleton<TimeProvider>(_clock));
    }

    public async ValueTask DisposeAsync()
    {
        _clock.Reset();
        try
        {
            // Bounded: a host that does not stop in time must not keep the test run from ending.
            await _app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await _fake.DisposeAsync();
        }
    }

    private async Task<JsonElement> ConversationOfAsync(HttpClient client, string contact) =>
        await InboxApp.PollAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault(i =>
                i.GetProperty("assignee").ValueKind == JsonValueKind.String && i.GetProperty("preview").GetString()!.Contains(contact, StringComparison.Ordinal));
            return row.ValueKind == JsonValueKind.Object ? row : null;
        });

    /// <summary>The community-replies instance watching a conversation, once it waits (or has ended).</summary>
    private async Task<JsonElement> WatchOfAsync(HttpClient admin, long conversationId, Func<JsonElement, bool> until) =>
        await InboxApp.PollAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/workflows/instances?definition=community-replies&limit=100", Ct);
            foreach (var summary in list.EnumerateArray().Where(i => i.GetProperty("correlationId").GetString() == $"conversation:{conversationId}"))
            {
                var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/instances/{summary.GetProperty("id").GetString()}", Ct);
                if (until(detail))
                {
                    return detail;
                }
            }

            return null;
        });

    private static bool WaitsAt(JsonElement detail, string activity) =>
        detail.GetProperty("bookmarks").EnumerateArray().Any(b => b.GetProperty("activityId").GetString() == activity);

    private static JsonElement Outputs(JsonElement detail, string activity) =>
        detail.GetProperty("log").EnumerateArray().Last(l => l.GetProperty("activityId").GetString() == activity).GetProperty("outputs");

    private static async Task<List<JsonElement>> NotificationsAsync(HttpClient client, long conversationId) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/v1/community/notifications", Ct)).EnumerateArray()
            .Where(n => n.GetProperty("conversationId").ValueKind == JsonValueKind.Number && n.GetProperty("conversationId").GetInt64() == conversationId)];

    private static Task<List<JsonElement>> NotifiedAsync(HttpClient client, long conversationId, int count) =>
        InboxApp.PollAsync(async () => (await NotificationsAsync(client, conversationId)) is { } found && found.Count >= count
            ? JsonSerializer.SerializeToElement(found) : (JsonElement?)null)
        .ContinueWith(t => t.Result.EnumerateArray().ToList(), TaskScheduler.Default);

    [Fact]
    public async Task A_customer_nobody_answers_is_warned_about_then_escalated_to_the_team_lead_then_the_manager_and_a_reply_before_80_percent_ends_the_watch()
    {
        using var admin = _app.ClientFor("admin");
        using var teamLead = _app.Agent("agent-c");
        using var manager = _app.Agent("manager-m");
        await _app.WeChatMessageAtAsync("oLate", "late-1", "迟到客户：订单什么时候发货？", Monday, Ct);
        await _app.WeChatMessageAtAsync("oQuick", "quick-1", "快客户：订单什么时候发货？", Monday, Ct);
        var late = await ConversationOfAsync(admin, "迟到客户");
        var quick = await ConversationOfAsync(admin, "快客户");
        var lateId = late.GetProperty("id").GetInt64();
        var quickId = quick.GetProperty("id").GetInt64();
        using var lateAgent = _app.Agent(late.GetProperty("assignee").GetString()!);
        using var quickAgent = _app.Agent(quick.GetProperty("assignee").GetString()!);

        var watch = await WatchOfAsync(admin, lateId, d => WaitsAt(d, "waitWarn"));
        await WatchOfAsync(admin, quickId, d => WaitsAt(d, "waitWarn"));
        var moments = Outputs(watch, "assign");
        var warnAt = moments.GetProperty("warnAt").GetDateTimeOffset();
        var dueAt = moments.GetProperty("dueAt").GetDateTimeOffset();
        var managerAt = moments.GetProperty("managerAt").GetDateTimeOffset();
        // Business hours: 80 % of the target comes before the target, which comes before the manager's turn, and the due time is the inbox's.
        warnAt.ShouldBeGreaterThan(Monday);
        dueAt.ShouldBeGreaterThan(warnAt);
        managerAt.ShouldBeGreaterThan(dueAt);
        (await lateAgent.ConversationAsync(lateId)).GetProperty("conversation").GetProperty("dueAt").GetDateTimeOffset().ShouldBe(dueAt);

        // The quick customer is answered at once: the watch ends and its timers go with it.
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{quickId}/replies") { Content = JsonContent.Create(new { text = "您好，今天发货。" }) })
        {
            request.Headers.Add("Idempotency-Key", "quick-reply");
            (await quickAgent.SendAsync(request, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var quickEnded = await WatchOfAsync(admin, quickId, d => d.GetProperty("instance").GetProperty("status").GetString() == "finished");
        quickEnded.GetProperty("bookmarks").GetArrayLength().ShouldBe(0);

        // Just before 80 %: nothing yet.
        _clock.JumpTo(warnAt - TimeSpan.FromMinutes(1));
        await Task.Delay(1_000, Ct);
        (await NotificationsAsync(lateAgent, lateId)).ShouldBeEmpty();

        // 80 %: the agent is warned; the team lead and the manager hear nothing yet.
        _clock.JumpTo(warnAt + TimeSpan.FromSeconds(10));
        var warned = await NotifiedAsync(lateAgent, lateId, 1);
        warned.Single().GetProperty("kind").GetString().ShouldBe("sla-warning");
        warned.Single().GetProperty("text").GetString()!.ShouldContain($"会话 #{lateId}");
        await WatchOfAsync(admin, lateId, d => WaitsAt(d, "waitDue"));
        (await NotificationsAsync(teamLead, lateId)).ShouldBeEmpty();

        // The target: the team lead.
        _clock.JumpTo(dueAt + TimeSpan.FromSeconds(10));
        (await NotifiedAsync(teamLead, lateId, 1)).Single().GetProperty("kind").GetString().ShouldBe("sla-breach");
        await WatchOfAsync(admin, lateId, d => WaitsAt(d, "waitManager"));
        (await NotificationsAsync(manager, lateId)).ShouldBeEmpty();

        // Still nobody: the manager.
        _clock.JumpTo(managerAt + TimeSpan.FromSeconds(10));
        (await NotifiedAsync(manager, lateId, 1)).Single().GetProperty("kind").GetString().ShouldBe("sla-escalation");
        var ended = await WatchOfAsync(admin, lateId, d => d.GetProperty("instance").GetProperty("status").GetString() == "finished");
        ended.GetProperty("log").EnumerateArray().Select(l => l.GetProperty("activityId").GetString())
            .ShouldContain("manager");

        // Each level told once; the quick customer's agent was never warned.
        (await NotificationsAsync(lateAgent, lateId)).Count.ShouldBe(1);
        (await NotificationsAsync(teamLead, lateId)).Count.ShouldBe(1);
        (await NotificationsAsync(quickAgent, quickId)).ShouldBeEmpty();
        (await NotificationsAsync(teamLead, quickId)).ShouldBeEmpty();
        (await NotificationsAsync(manager, quickId)).ShouldBeEmpty();
    }
}
