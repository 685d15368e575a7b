using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.Tencent;

/// <summary>
/// The protocol fixtures (<c>fixtures/wechat</c>) posted as they are, over HTTP, to the real WeChat
/// and WeCom callback endpoints: the ciphertexts and signatures are the fixtures' own, never made
/// again with the product's cipher. Each case has its own account with the case's credentials, and
/// the host's clock reads the case's "now", so the replay window applies as it would on the day.
/// A positive case is accepted and stored once however often it is posted; a negative one is
/// refused with its category's status and stores nothing.
/// </summary>
public sealed class CallbackEndpointVectorTests(CallbackEndpointVectorTests.App app) : IClassFixture<CallbackEndpointVectorTests.App>
{
    /// <summary>The token the plain-XML cases (which carry no credentials of their own) are signed with.</summary>
    private const string PlainToken = "vectorplain";

    private const string PlainAppId = "wx1234567890abcdef";

    public sealed class App() : ScrmApp(settings: Accounts(), services: s => s.AddSingleton<TimeProvider>(Clock))
    {
        public static readonly ShiftedClock Clock = new();
    }

    /// <summary>The real clock moved to a chosen instant; it keeps running from there.</summary>
    public sealed class ShiftedClock : TimeProvider
    {
        private long _shiftTicks;

        public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _shiftTicks, (now - System.GetUtcNow()).Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _shiftTicks));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private JournalReader Journal => app.Services.GetRequiredService<JournalReader>();

    private static readonly string[] MessageKinds = ["wechat_oa_safe_mode", "wechat_oa_plain_message", "wechat_oa_plain_event"];

    public static TheoryData<string> WeChatMessages => new(Fixtures.VectorIdList(MessageKinds));

    public static TheoryData<string> WeChatUrlChecks => new(Fixtures.VectorIdList("wechat_oa_url_verification"));

    public static TheoryData<string> WeComEvents => new(Fixtures.VectorIdList("wecom_external_contact_event"));

    public static TheoryData<string> Negatives => new(Fixtures.NegativeIdList());

    /// <summary>One account per case, named after it, with the case's token, key and AppId or CorpId.</summary>
    private static Dictionary<string, string?> Accounts()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var id in Fixtures.VectorIdList([.. MessageKinds, "wechat_oa_url_verification"]))
        {
            var inputs = Fixtures.Vector(id).GetProperty("inputs");
            WeChatAccount(settings, id, inputs);
        }

        foreach (var id in Fixtures.NegativeIdList())
        {
            WeChatAccount(settings, id, Fixtures.Negative(id).GetProperty("inputs"));
        }

        // Callback-only accounts: without a secret the connector never calls WeCom's own servers (no contact lookups).
        foreach (var id in Fixtures.VectorIdList("wecom_external_contact_event", "wecom_url_verification"))
        {
            var inputs = Fixtures.Vector(id).GetProperty("inputs");
            settings[$"Scrm:Connectors:WeCom:Accounts:{id}:CorpId"] = inputs.Text("corpId");
            settings[$"Scrm:Connectors:WeCom:Accounts:{id}:Token"] = inputs.Text("token");
            settings[$"Scrm:Connectors:WeCom:Accounts:{id}:EncodingAesKey"] = inputs.Text("encodingAesKey");
        }

        return settings;
    }

    private static void WeChatAccount(Dictionary<string, string?> settings, string id, JsonElement inputs)
    {
        settings[$"Scrm:Connectors:WeChat:Accounts:{id}:AppId"] = inputs.OptionalText("appId") ?? PlainAppId;
        settings[$"Scrm:Connectors:WeChat:Accounts:{id}:Token"] = inputs.OptionalText("token") ?? PlainToken;
        // A case without a key is plain mode.
        settings[$"Scrm:Connectors:WeChat:Accounts:{id}:EncodingAesKey"] = inputs.OptionalText("encodingAesKey");
    }

    /// <summary>The platform's signature, worked out here: SHA-1 of the parts sorted ordinally and joined.</summary>
    private static string Sha1(params string[] parts)
    {
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is the platform's protocol.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>The query and body the platform sends for a case: encrypted with the case's own ciphertext, or plain XML signed with the case's token.</summary>
    private static (string Query, byte[] Body) Delivery(JsonElement inputs)
    {
        if (inputs.OptionalText("encrypt") is { } encrypted)
        {
            var (token, ts, nonce) = (inputs.Text("token"), inputs.Text("timestamp"), inputs.Text("nonce"));
            var query = $"?signature={Sha1(token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid=oVector&encrypt_type=aes&msg_signature={inputs.Text("msg_signature")}";
            var body = $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>";
            return (query, Encoding.UTF8.GetBytes(body));
        }

        var xml = inputs.OptionalText("xml") ?? HostileGenerator.Evaluate(inputs.Text("generator"));
        var at = PlainCaseTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return ($"?signature={Sha1(PlainToken, at, "n1")}&timestamp={at}&nonce=n1&openid=oVector", Encoding.UTF8.GetBytes(xml));
    }

    /// <summary>When a plain case is posted: its own CreateTime does not matter to the replay window, the request's timestamp does.</summary>
    private static readonly DateTimeOffset PlainCaseTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static DateTimeOffset NowFor(JsonElement inputs) =>
        inputs.TryGetProperty("now", out var now) ? DateTimeOffset.FromUnixTimeSeconds(now.GetInt64())
        : inputs.OptionalText("timestamp") is { } ts ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(ts, CultureInfo.InvariantCulture))
        : PlainCaseTime;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, (string Query, byte[] Body) delivery)
    {
        var content = new ByteArrayContent(delivery.Body);
        content.Headers.ContentType = new("text/xml") { CharSet = "utf-8" };
        // As the platform's own client would, a large body waits for the server's go-ahead, so a
        // refusal by its length arrives as an answer rather than a connection closed mid-send.
        using var request = new HttpRequestMessage(HttpMethod.Post, path + delivery.Query) { Content = content };
        request.Headers.ExpectContinue = delivery.Body.Length > 64 * 1024;
        return await client.SendAsync(request, Ct);
    }

    [Theory]
    [MemberData(nameof(WeChatMessages))]
    public async Task A_wechat_vector_posted_to_the_callback_is_accepted_every_time_and_stored_once(string id)
    {
        var vector = Fixtures.Vector(id);
        var (inputs, expected) = (vector.GetProperty("inputs"), vector.GetProperty("expected"));
        App.Clock.Set(NowFor(inputs));
        var delivery = Delivery(inputs);
        using var client = app.CreateClient();
        var before = await Journal.LastPositionAsync(Ct);

        var answers = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < 2; i++)
        {
            var response = await PostAsync(client, $"/connectors/wechat/{id}", delivery);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync(Ct)));
        }

        var stored = await Journal.ReadAsync(before, 100, Ct);
        if (expected.OptionalText("plaintext") is { } plaintext && !plaintext.StartsWith('<'))
        {
            // The full-block pad case carries text, not a message: it decrypts (the padding is right), then is no message to store.
            answers.ShouldAllBe(a => a.Item1 == HttpStatusCode.BadRequest && a.Item2.Contains("\"category\":\"malformed_xml\""));
            stored.ShouldBeEmpty();
            return;
        }

        answers.ShouldAllBe(a => a.Item1 == HttpStatusCode.OK && a.Item2 == "success", string.Join("; ", answers));
        var item = stored.ShouldHaveSingleItem();
        var message = XElement.Parse(expected.OptionalText("plaintext") ?? inputs.Text("xml"));
        var dedupe = expected.OptionalText("dedupeKey") ?? message.Element("MsgId")!.Value;
        (item.Channel, item.Account, item.IdempotencyKey).ShouldBe(("wechat", id, $"wechat:{id}:{dedupe}"));
        item.OccurredAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(long.Parse(message.Element("CreateTime")!.Value, CultureInfo.InvariantCulture)));
        if (message.Element("Content") is { } text)
        {
            item.Kind.ShouldBe(InboundKind.Message);
            JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MessagePayload)!.Text.ShouldBe(text.Value);
        }
        else
        {
            item.Kind.ShouldBe(InboundKind.ContactEvent);
        }
    }

    [Theory]
    [MemberData(nameof(WeChatUrlChecks))]
    public async Task A_wechat_url_check_vector_is_answered_with_its_echostr(string id)
    {
        var vector = Fixtures.Vector(id);
        var (inputs, expected) = (vector.GetProperty("inputs"), vector.GetProperty("expected"));
        App.Clock.Set(NowFor(inputs));
        using var client = app.CreateClient();
        var query = $"signature={expected.Text("signature")}&timestamp={inputs.Text("timestamp")}&nonce={Escape(inputs.Text("nonce"))}&echostr={Escape(inputs.Text("echostr"))}";

        var response = await client.GetAsync($"/connectors/wechat/{id}?{query}", Ct);
        var wrongNonce = await client.GetAsync($"/connectors/wechat/{id}?{query.Replace("nonce=", "nonce=x", StringComparison.Ordinal)}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe(expected.Text("response"));
        wrongNonce.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_wecom_url_check_vector_is_answered_with_the_decrypted_echostr()
    {
        var vector = Fixtures.Vector("wecom-url-verify");
        var (inputs, expected) = (vector.GetProperty("inputs"), vector.GetProperty("expected"));
        App.Clock.Set(NowFor(inputs));
        using var client = app.CreateClient();
        var query = $"msg_signature={inputs.Text("msg_signature")}&timestamp={inputs.Text("timestamp")}&nonce={inputs.Text("nonce")}&echostr={Escape(inputs.Text("echostr"))}";

        var response = await client.GetAsync($"/connectors/wecom/wecom-url-verify?{query}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe(expected.Text("response"));
    }

    [Theory]
    [MemberData(nameof(WeComEvents))]
    public async Task A_wecom_event_vector_posted_to_the_callback_is_accepted_every_time_and_stored_once(string id)
    {
        var vector = Fixtures.Vector(id);
        var (inputs, expected) = (vector.GetProperty("inputs"), vector.GetProperty("expected"));
        App.Clock.Set(NowFor(inputs));
        var query = $"?msg_signature={inputs.Text("msg_signature")}&timestamp={inputs.Text("timestamp")}&nonce={inputs.Text("nonce")}";
        var body = Encoding.UTF8.GetBytes($"<xml><ToUserName><![CDATA[{inputs.Text("corpId")}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{inputs.Text("encrypt")}]]></Encrypt></xml>");
        using var client = app.CreateClient();
        var before = await Journal.LastPositionAsync(Ct);

        for (var i = 0; i < 2; i++)
        {
            var response = await PostAsync(client, $"/connectors/wecom/{id}", (query, body));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
            (await response.Content.ReadAsStringAsync(Ct)).ShouldBe("success");
        }

        var item = (await Journal.ReadAsync(before, 100, Ct)).ShouldHaveSingleItem();
        (item.Channel, item.Account, item.IdempotencyKey).ShouldBe(("wecom", id, $"wecom:{id}:{expected.Text("dedupeKey")}"));
        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.ContactEventPayload)!;
        (payload.Staff, payload.Contact.Id, payload.Attribution?.Key).ShouldBe((expected.Text("userId"), expected.Text("externalUserId"), expected.OptionalText("state")));
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public async Task A_negative_vector_posted_to_the_callback_is_refused_with_its_category_and_stores_nothing(string id)
    {
        var c = Fixtures.Negative(id);
        var inputs = c.GetProperty("inputs");
        var category = c.Text("expected_error");
        App.Clock.Set(NowFor(inputs));
        var delivery = Delivery(inputs);
        using var client = app.CreateClient();
        var before = await Journal.LastPositionAsync(Ct);

        var response = await PostAsync(client, $"/connectors/wechat/{id}", delivery);

        var status = category switch
        {
            "bad_signature" or "replay_window" or "appid_mismatch" => HttpStatusCode.Forbidden,
            "oversized" => HttpStatusCode.RequestEntityTooLarge,
            _ => HttpStatusCode.BadRequest,
        };
        var answer = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, answer);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(answer).RootElement.GetProperty("category").GetString().ShouldBe(category);

        answer.ShouldNotContain("success");
        (await Journal.LastPositionAsync(Ct)).ShouldBe(before);
    }
}
