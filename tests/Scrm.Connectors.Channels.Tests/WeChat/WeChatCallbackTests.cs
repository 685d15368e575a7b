using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeChat;

public sealed class SqliteWeChatCallbackTests(WeChatCallbackTests.App app) : WeChatCallbackTests(app), IClassFixture<WeChatCallbackTests.App>;

public sealed class PostgresWeChatCallbackTests(WeChatCallbackTests.PostgresApp app) : WeChatCallbackTests(app), IClassFixture<WeChatCallbackTests.PostgresApp>;

/// <summary>The Official Account callback end to end through the real host, on each storage provider.</summary>
public abstract class WeChatCallbackTests(ScrmApp app)
{
    private static Dictionary<string, string?> Settings() =>
        new(WeChatDeliveries.Account("brand", safeMode: true).Concat(WeChatDeliveries.Account("plain", safeMode: false)));

    /// <summary>The host of one test class on SQLite.</summary>
    public sealed class App() : ScrmApp(settings: Settings());

    /// <summary>The host of one test class on a database of its own on the assembly's PostgreSQL server.</summary>
    public sealed class PostgresApp(PostgresServer postgres)
        : ScrmApp(StorageUnderTest.Postgres(postgres.CreateDatabaseAsync().GetAwaiter().GetResult()), Settings());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private JournalReader Journal => app.Services.GetRequiredService<JournalReader>();

    [Fact]
    public async Task An_encrypted_text_message_posted_three_times_yields_one_journal_item_and_success_each_time()
    {
        var msgId = 6_600_000_000_000_000_000 + Random.Shared.NextInt64(1_000_000_000);
        var at = DateTimeOffset.FromUnixTimeSeconds(Now);
        var delivery = WeChatDeliveries.Safe(WeChatDeliveries.Text(msgId, at, "你好，我想了解一下你们的会员价格。🙂"), Now);
        var before = await Journal.LastPositionAsync(Ct);

        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsync("/connectors/wechat/brand" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync(Ct)).ShouldBe("success");
        }

        var items = await Journal.ReadAsync(before, 100, Ct);
        var item = items.ShouldHaveSingleItem();
        (item.Kind, item.Channel, item.Account, item.IdempotencyKey, item.OccurredAt).ShouldBe(
            (InboundKind.Message, "wechat", "brand", $"wechat:brand:{msgId}", at));
        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MessagePayload)!;
        payload.Text.ShouldBe("你好，我想了解一下你们的会员价格。🙂");
        payload.From.ShouldBe(new ChannelContact("oUser1", null, null));
        payload.To.ShouldBe("gh_test");
    }

    [Fact]
    public async Task A_follow_through_a_parametric_qr_code_is_stored_with_its_scene()
    {
        var at = Now;
        var xml = $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oFollower{at}]]></FromUserName><CreateTime>{at}</CreateTime>" +
            "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_spring_expo_2026]]></EventKey><Ticket><![CDATA[T]]></Ticket></xml>";
        var delivery = WeChatDeliveries.Safe(xml, at);

        using var client = app.CreateClient();
        (await client.PostAsync("/connectors/wechat/brand" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var item = (await Journal.FindAsync($"wechat:brand:oFollower{at}|{at}", Ct)).ShouldNotBeNull();
        item.Kind.ShouldBe(InboundKind.ContactEvent);
        JsonSerializer.Deserialize(item.Payload, InboundJson.Default.ContactEventPayload)!.Attribution
            .ShouldBe(new ChannelAttribution(AttributionSources.WeChatQrScene, "spring_expo_2026"));
    }

    [Fact]
    public async Task The_url_check_answers_echostr_only_with_the_accounts_signature()
    {
        var ts = Now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = CallbackSignature.Compute(WeChatDeliveries.Token, ts, "n1");
        using var client = app.CreateClient();

        var good = await client.GetAsync($"/connectors/wechat/brand?signature={signature}&timestamp={ts}&nonce=n1&echostr=4375120948345356249", Ct);
        var bad = await client.GetAsync($"/connectors/wechat/brand?signature={signature}&timestamp={ts}&nonce=n2&echostr=4375120948345356249", Ct);

        good.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await good.Content.ReadAsStringAsync(Ct)).ShouldBe("4375120948345356249");
        bad.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        bad.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_safe_mode_account_refuses_plain_callbacks()
    {
        var delivery = WeChatDeliveries.Plain(WeChatDeliveries.Text(42, DateTimeOffset.UtcNow, "plain"), Now);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/connectors/wechat/brand" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Journal.FindAsync("wechat:brand:42", Ct)).ShouldBeNull();
    }

    [Theory]
    [InlineData("xml-xxe.xml")]
    [InlineData("xml-billion-laughs.xml")]
    [InlineData("xml-unclosed.xml")]
    public async Task Hostile_xml_gets_a_4xx_problem_and_nothing_is_stored(string file)
    {
        var before = await Journal.LastPositionAsync(Ct);
        var delivery = WeChatDeliveries.Plain(await File.ReadAllTextAsync(Fixtures.HostileFile(file), Ct), Now);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/connectors/wechat/plain" + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadAsStringAsync(Ct);
        body.ShouldNotContain("root:");
        (await Journal.LastPositionAsync(Ct)).ShouldBe(before);
    }
}
