using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Connectors.WeCom.Storage;
using Scrm.FakeChannels;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeCom;

/// <summary>
/// WeCom customer service (微信客服): on the kf callback the host pulls the messages with kf/sync_msg
/// from the fake channel server, with the callback's token and its stored cursor, and stores each once.
/// </summary>
public sealed class WeComKfTests : IAsyncLifetime
{
    private const string Kf = "wkKfService01";
    private FakeChannelServer _fake = null!;
    private ScrmApp _scrm = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _scrm = new ScrmApp(settings: WeComDeliveries.Account("corp", _fake.WeCom.ToString()));
    }

    public async ValueTask DisposeAsync()
    {
        await _scrm.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static JsonObject Message(string id, int origin, string text, string customer = "wmKfCustomer1") => new()
    {
        ["msgid"] = id,
        ["open_kfid"] = Kf,
        ["external_userid"] = customer,
        ["send_time"] = 1_765_000_000,
        ["origin"] = origin,
        ["msgtype"] = "text",
        ["text"] = new JsonObject { ["content"] = text },
    };

    private async Task CallbackAsync(string token)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = $"<xml><ToUserName><![CDATA[{WeComDeliveries.CorpId}]]></ToUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[event]]></MsgType>" +
                  $"<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[{token}]]></Token><OpenKfId><![CDATA[{Kf}]]></OpenKfId></xml>";
        var delivery = WeComDeliveries.Deliver(xml, now);
        using var client = _scrm.CreateClient();
        var response = await client.PostAsync("/connectors/wecom/corp" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);
        (response.StatusCode, await response.Content.ReadAsStringAsync(Ct)).ShouldBe((HttpStatusCode.OK, "success"));
    }

    private async Task<List<JournalEntry>> KfItemsAsync(int count)
    {
        var journal = _scrm.Services.GetRequiredService<JournalReader>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var items = (await journal.ReadAsync(0, 1_000, Ct)).Where(e => e.IdempotencyKey.StartsWith("wecom:corp:kf:", StringComparison.Ordinal)).ToList();
            if (items.Count >= count || DateTime.UtcNow > deadline)
            {
                return items;
            }

            await Task.Delay(50, Ct);
        }
    }

    private Task<int> SyncRequestsAsync(int count) => InboxWait.UntilAsync(() => _fake.State.KfSyncRequests.Count >= count ? _fake.State.KfSyncRequests.Count : (int?)null);

    [Fact]
    public async Task The_kf_callback_pulls_new_messages_from_the_stored_cursor_and_stores_each_once_even_when_a_page_is_read_again()
    {
        _fake.State.AddKfMessage(Message("kf-msg-1", 3, "你好，请问什么时候发货？"));
        _fake.State.AddKfMessage(Message("kf-msg-2", 5, "您好，这里是客服小王"));
        _fake.State.AddKfMessage(Message("kf-msg-3", 3, "订单号 2026120700001"));

        await CallbackAsync("kf-token-1");

        var items = await KfItemsAsync(2);
        items.Select(i => i.IdempotencyKey).ShouldBe(["wecom:corp:kf:kf-msg-1", "wecom:corp:kf:kf-msg-3"]);
        var first = JsonSerializer.Deserialize(items[0].Payload, InboundJson.Default.MessagePayload)!;
        (items[0].Kind, first.From.Id, first.Text).ShouldBe((InboundKind.Message, "wmKfCustomer1", "你好，请问什么时候发货？"));
        var request = _fake.State.KfSyncRequests.Single();
        ((string?)request["token"], (string?)request["open_kfid"], request["cursor"]).ShouldBe(("kf-token-1", Kf, null));

        // The next callback reads on from the stored cursor: only the new message.
        _fake.State.AddKfMessage(Message("kf-msg-4", 3, "好的谢谢"));
        await CallbackAsync("kf-token-2");
        (await KfItemsAsync(3)).Count.ShouldBe(3);
        await SyncRequestsAsync(2);
        var second = _fake.State.KfSyncRequests.Last();
        ((string?)second["token"], (string?)second["cursor"]).ShouldBe(("kf-token-2", "c-3"));

        // A crash after the append and before the cursor's store: the page is read again, nothing is stored twice.
        var contexts = _scrm.Services.GetRequiredService<IDbContextFactory<WeComDbContext>>();
        // The cursor is stored right after the page's append commits: wait for it, then lose it.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        for (var cursor = ""; cursor != "c-4"; await Task.Delay(50, Ct))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the cursor after kf-msg-4 was never stored");
            await using var db = await contexts.CreateDbContextAsync(Ct);
            cursor = await db.KfCursors.Select(c => c.Cursor).SingleOrDefaultAsync(Ct) ?? "";
            cursor.ShouldBeOneOf("", "c-3", "c-4");
            if (cursor == "c-4")
            {
                await db.KfCursors.ExecuteDeleteAsync(Ct);
            }
        }

        await CallbackAsync("kf-token-3");
        await SyncRequestsAsync(3);
        // The cursor is stored again once the page's append committed.
        for (var stored = false; !stored; await Task.Delay(50, Ct))
        {
            await using var db = await contexts.CreateDbContextAsync(Ct);
            stored = await db.KfCursors.AnyAsync(Ct);
        }

        ((string?)_fake.State.KfSyncRequests.Last()["cursor"]).ShouldBeNull();
        (await KfItemsAsync(3)).Select(i => i.IdempotencyKey).ShouldBe(["wecom:corp:kf:kf-msg-1", "wecom:corp:kf:kf-msg-3", "wecom:corp:kf:kf-msg-4"]);
    }
}

internal static class InboxWait
{
    public static async Task<T> UntilAsync<T>(Func<T?> probe) where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Not there in time.");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
