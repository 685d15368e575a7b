using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.FakeChannels;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests;

public sealed class SqliteFakeCallbackTests(PostgresServer postgres) : FakeCallbackTests(postgres, usePostgres: false);

public sealed class PostgresFakeCallbackTests(PostgresServer postgres) : FakeCallbackTests(postgres, usePostgres: true);

/// <summary>
/// The fake channel server drives Scrm as the platforms would: it encrypts and signs WeChat and
/// WeCom callbacks with its own implementation and posts them to the running host's callback URLs
/// over a real socket, with the demo accounts the README configures, on each storage provider.
/// </summary>
public abstract class FakeCallbackTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _scrm = null!;
    private FakeChannelServer _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _scrm = new ScrmApp(storage, DemoAccounts.Settings());
        _fake = await FakeChannelServer.StartAsync(scrm: _scrm.BaseAddress, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }

        if (_scrm is not null)
        {
            await _scrm.DisposeAsync();
        }
    }

    private async Task<(CallbackSent Sent, JournalEntry Item)> SendAsync(string path, object request)
    {
        var journal = _scrm.Services.GetRequiredService<JournalReader>();
        var before = await journal.LastPositionAsync(Ct);
        using var client = new HttpClient { BaseAddress = _fake.BaseAddress };
        var response = await client.PostAsJsonAsync(path, request, Ct);
        response.EnsureSuccessStatusCode();
        var sent = (await response.Content.ReadFromJsonAsync<CallbackSent>(Ct))!;
        (sent.Status, sent.Answer).ShouldBe((200, "success"), sent.Plaintext);
        return (sent, (await journal.ReadAsync(before, 100, Ct)).ShouldHaveSingleItem());
    }

    [Fact]
    public async Task A_wechat_text_message_from_the_fake_server_lands_in_the_journal_as_the_customer_wrote_it()
    {
        var (sent, item) = await SendAsync("/fake/wechat/callbacks", new { @event = "text", from = "oDemoBuyer1", content = "你好，我想了解会员价格 ]]> 🙂" });

        sent.Url.ShouldBe(new Uri(_scrm.BaseAddress, "connectors/wechat/demo").ToString());
        (item.Kind, item.Channel, item.Account).ShouldBe((InboundKind.Message, "wechat", "demo"));
        var message = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MessagePayload)!;
        message.Text.ShouldBe("你好，我想了解会员价格 ]]> 🙂");
        message.From.Id.ShouldBe("oDemoBuyer1");
    }

    [Fact]
    public async Task A_wechat_follow_through_a_qr_code_from_the_fake_server_lands_with_its_scene()
    {
        var (_, item) = await SendAsync("/fake/wechat/callbacks", new { @event = "subscribe", from = "oDemoFollower1", scene = "spring_expo_2026" });

        (item.Kind, item.Channel, item.Account).ShouldBe((InboundKind.ContactEvent, "wechat", "demo"));
        item.Payload.ShouldContain("spring_expo_2026");
        item.Payload.ShouldContain("oDemoFollower1");
    }

    [Fact]
    public async Task A_wecom_external_contact_added_from_the_fake_server_lands_with_its_state_and_a_wrong_key_is_refused()
    {
        var (_, item) = await SendAsync("/fake/wecom/callbacks", new { @event = "add_external_contact", userId = "rep-a", externalUserId = "wmDemoCustomer1", state = "expo_booth_3" });

        (item.Kind, item.Channel, item.Account).ShouldBe((InboundKind.ContactEvent, "wecom", "demo"));
        item.Payload.ShouldContain("wmDemoCustomer1");
        item.Payload.ShouldContain("expo_booth_3");

        // Signed with another token, the same callback is refused and nothing is stored.
        var journal = _scrm.Services.GetRequiredService<JournalReader>();
        var before = await journal.LastPositionAsync(Ct);
        using var client = new HttpClient { BaseAddress = _fake.BaseAddress };
        var refused = (await (await client.PostAsJsonAsync("/fake/wecom/callbacks", new { token = "someoneelse" }, Ct)).Content.ReadFromJsonAsync<CallbackSent>(Ct))!;
        refused.Status.ShouldBe(403);
        (await journal.ReadAsync(before, 100, Ct)).ShouldBeEmpty();
    }
}
