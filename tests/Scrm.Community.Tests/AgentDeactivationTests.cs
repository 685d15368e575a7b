using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Community.Tests;

/// <summary>
/// An agent who leaves hands their open conversations to a successor, and a conversation of theirs
/// that a customer opens again later goes to an agent who is still there, never to nobody.
/// </summary>
public sealed class AgentDeactivationTests : IAsyncLifetime
{
    private readonly ScrmApp _app = new(StorageUnderTest.Sqlite, InboxApp.Settings());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task<JsonElement> ConversationOfAsync(HttpClient admin, string preview, Func<JsonElement, bool> ready) =>
        await InboxApp.PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("preview").GetString()!.Contains(preview, StringComparison.Ordinal) && ready(i));
            return row.ValueKind == JsonValueKind.Object ? row : null;
        });

    private static string? Assignee(JsonElement conversation) =>
        conversation.GetProperty("assignee").ValueKind == JsonValueKind.String ? conversation.GetProperty("assignee").GetString() : null;

    [Fact]
    public async Task A_leaving_agents_open_conversations_go_to_the_successor_and_a_resolved_one_that_opens_again_is_routed_to_someone_still_there()
    {
        using var admin = _app.ClientFor("admin");
        foreach (var id in new[] { "mo", "nan" })
        {
            (await admin.PostAsJsonAsync("/api/v1/access/users", new { id, displayName = id, roles = new[] { "community" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        (await admin.PutAsJsonAsync("/api/v1/access/teams/care", new { members = new[] { new { userId = "mo" }, new { userId = "nan" } } }, Ct)).IsSuccessStatusCode.ShouldBeTrue();

        await _app.SendWeChatTextAsync("oLeave1", 7101, "顾客甲：发票还没开", Ct);
        var open = await ConversationOfAsync(admin, "顾客甲", c => Assignee(c) is not null);
        var leaving = Assignee(open)!;
        var successor = leaving == "mo" ? "nan" : "mo";
        await _app.SendWeChatTextAsync("oLeave2", 7102, "顾客乙：怎么退货", Ct);
        var second = await ConversationOfAsync(admin, "顾客乙", c => Assignee(c) is not null);
        var secondId = second.GetProperty("id").GetInt64();
        var assigned = await admin.PostAsJsonAsync($"/api/v1/conversations/{secondId}/assign", new { to = leaving }, Ct);
        assigned.IsSuccessStatusCode.ShouldBeTrue(await assigned.Content.ReadAsStringAsync(Ct));
        var version = (await admin.ConversationAsync(secondId)).GetProperty("conversation").GetProperty("version").GetInt32();
        (await admin.PostAsJsonAsync($"/api/v1/conversations/{secondId}/resolve", new { version }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var done = await admin.PostAsJsonAsync($"/api/v1/access/users/{leaving}/deactivate", new { successor }, Ct);
        done.StatusCode.ShouldBe(HttpStatusCode.OK, await done.Content.ReadAsStringAsync(Ct));
        (await done.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("handedOver").GetProperty("conversations").GetInt32().ShouldBe(1);

        // The open one is the successor's now, and says how it got there; the resolved one stays in the leaver's record.
        var handed = (await admin.ConversationAsync(open.GetProperty("id").GetInt64()));
        handed.GetProperty("conversation").GetProperty("assignee").GetString().ShouldBe(successor);
        handed.GetProperty("assignments").EnumerateArray().Last().GetProperty("kind").GetString().ShouldBe("handed-over");
        (await admin.ConversationAsync(secondId)).GetProperty("conversation").GetProperty("assignee").GetString().ShouldBe(leaving);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/access/audit?action=conversation.handover", Ct);
        audit.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem().GetProperty("detail").GetString()!.ShouldContain("\"conversations\":\"1\"");

        // The customer of the resolved one writes again: it opens with the agent who is still there.
        await _app.SendWeChatTextAsync("oLeave2", 7103, "顾客乙：退货单号是多少", Ct);
        var reopened = await ConversationOfAsync(admin, "退货单号", c => c.GetProperty("status").GetString() == "open");
        Assignee(reopened).ShouldBe(successor);
    }
}
