using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Connectors.Channels.Tests.Compliance;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeCom.Callbacks;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeCom;

public sealed class WeComEventVectorTests
{
    public static TheoryData<string> Events => Fixtures.VectorIds("wecom_external_contact_event");

    [Theory]
    [MemberData(nameof(Events))]
    public void External_contact_changes_map_with_their_dedupe_key_state_and_churn_signal(string id)
    {
        var expected = Fixtures.Vector(id).GetProperty("expected");

        var item = WeComEvents.Map("corp", CallbackXml.Parse(expected.Text("plaintext"))).ShouldNotBeNull();

        item.Kind.ShouldBe(InboundKind.ContactEvent);
        item.IdempotencyKey.ShouldBe($"wecom:corp:{expected.Text("dedupeKey")}");
        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.ContactEventPayload)!;
        payload.Staff.ShouldBe(expected.Text("userId"));
        payload.Contact.Id.ShouldBe(expected.Text("externalUserId"));
        payload.Metadata!["changeType"].ShouldBe(expected.Text("changeType"));
        payload.Attribution?.Key.ShouldBe(expected.OptionalText("state"));
        payload.Churn.ShouldBe(expected.OptionalText("signal")?.StartsWith("churn", StringComparison.Ordinal) ?? false);
        payload.EventType.ShouldBe(expected.Text("changeType") == "del_follow_user" ? ContactEventTypes.ContactRemovedStaff : ContactEventTypes.ContactAdded);
    }

    [Theory]
    [InlineData("edit_external_contact", ContactEventTypes.ContactEdited)]
    [InlineData("del_external_contact", ContactEventTypes.StaffRemovedContact)]
    public void Edits_and_removals_by_the_rep_are_contact_events_without_churn(string changeType, string eventType)
    {
        var item = WeComEvents.Map("corp", CallbackXml.Parse(WeComDeliveries.Change(changeType, 1700000000, "zhangsan", "wmX"))).ShouldNotBeNull();

        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.ContactEventPayload)!;
        (payload.EventType, payload.Churn).ShouldBe((eventType, false));
        item.IdempotencyKey.ShouldBe($"wecom:corp:1700000000|{changeType}|zhangsan|wmX");
    }

    [Fact]
    public void Customer_messages_are_message_items_keyed_by_MsgId()
    {
        var xml = "<xml><ToUserName>ww0123456789abcdef</ToUserName><FromUserName>wmEXT001</FromUserName><CreateTime>1700000000</CreateTime>" +
            "<MsgType>text</MsgType><Content>请问还有货吗</Content><MsgId>77</MsgId><AgentID>1000002</AgentID></xml>";

        var item = WeComEvents.Map("corp", CallbackXml.Parse(xml)).ShouldNotBeNull();

        (item.Kind, item.IdempotencyKey).ShouldBe((InboundKind.Message, "wecom:corp:77"));
        JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MessagePayload)!.Text.ShouldBe("请问还有货吗");
    }
}

public sealed class SqliteWeComCallbackTests(WeComCallbackTests.App app) : WeComCallbackTests(app), IClassFixture<WeComCallbackTests.App>;

public sealed class PostgresWeComCallbackTests(WeComCallbackTests.PostgresApp app) : WeComCallbackTests(app), IClassFixture<WeComCallbackTests.PostgresApp>;

/// <summary>The WeCom callback end to end through the real host, on each storage provider.</summary>
public abstract class WeComCallbackTests(ScrmApp app)
{
    /// <summary>The host of one test class on SQLite.</summary>
    public sealed class App() : ScrmApp(settings: WeComDeliveries.Account("corp"));

    /// <summary>The host of one test class on a database of its own on the assembly's PostgreSQL server.</summary>
    public sealed class PostgresApp(PostgresServer postgres)
        : ScrmApp(StorageUnderTest.Postgres(postgres.CreateDatabaseAsync().GetAwaiter().GetResult()), WeComDeliveries.Account("corp"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private JournalReader Journal => app.Services.GetRequiredService<JournalReader>();

    [Fact]
    public async Task An_add_external_contact_with_a_state_keeps_that_state_as_the_items_attribution()
    {
        var at = Now;
        var external = $"wm{Random.Shared.NextInt64():x}";
        var delivery = WeComDeliveries.Deliver(WeComDeliveries.Change("add_external_contact", at, "zhangsan", external, "expo_booth_3"), at);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/connectors/wecom/corp" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);
        var again = await client.PostAsync("/connectors/wecom/corp" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe("success");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var item = (await Journal.FindAsync($"wecom:corp:{at}|add_external_contact|zhangsan|{external}", Ct)).ShouldNotBeNull();
        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.ContactEventPayload)!;
        payload.Attribution.ShouldBe(new ChannelAttribution(AttributionSources.WeComContactWayState, "expo_booth_3"));
        payload.Contact.Id.ShouldBe(external);
        payload.Staff.ShouldBe("zhangsan");
        payload.Metadata!["welcomeCode"].ShouldBe("WELCOMECODE");
        (await Journal.ReadAsync(item.Position - 1, 10, Ct)).Count(e => e.IdempotencyKey == item.IdempotencyKey).ShouldBe(1);
    }

    [Fact]
    public async Task The_url_check_answers_the_decrypted_echostr()
    {
        var ts = Now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var echostr = new CallbackCipher(WeComDeliveries.AesKey, WeComDeliveries.CorpId).Encrypt("1288432023552776189");
        var signature = CallbackSignature.Compute(WeComDeliveries.Token, ts, "1372623149", echostr);
        using var client = app.CreateClient();

        var response = await client.GetAsync(
            $"/connectors/wecom/corp?msg_signature={signature}&timestamp={ts}&nonce=1372623149&echostr={Uri.EscapeDataString(echostr)}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe("1288432023552776189");
    }

    [Fact]
    public async Task A_url_check_encrypted_for_another_corporation_is_refused()
    {
        var ts = Now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var echostr = new CallbackCipher(WeComDeliveries.AesKey, "wwotherotherother1").Encrypt("1288432023552776189");
        var signature = CallbackSignature.Compute(WeComDeliveries.Token, ts, "n", echostr);
        using var client = app.CreateClient();

        var response = await client.GetAsync($"/connectors/wecom/corp?msg_signature={signature}&timestamp={ts}&nonce=n&echostr={Uri.EscapeDataString(echostr)}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("category").GetString().ShouldBe("appid_mismatch");
    }
}

public sealed class WeComCompliance(WeComCompliance.App app) : CallbackConnectorCompliance(app), IClassFixture<WeComCompliance.App>
{
    public sealed class App() : ScrmApp(settings: WeComDeliveries.Account("corp"));

    protected override string Path => "/connectors/wecom/corp";

    protected override string Token => WeComDeliveries.Token;

    protected override string Message(long id, DateTimeOffset at) =>
        WeComDeliveries.Change("add_external_contact", at.ToUnixTimeSeconds(), "zhangsan", $"wm{id}", "booth");

    protected override Delivery Deliver(string plaintext, long timestamp, string token) => WeComDeliveries.Deliver(plaintext, timestamp, token);

    protected override string KeyFor(long id, DateTimeOffset at) => $"wecom:corp:{at.ToUnixTimeSeconds()}|add_external_contact|zhangsan|wm{id}";
}
