using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Community.Tests;

/// <summary>The real host with a WeChat Official Account, community agents with named keys, and helpers that play the customer.</summary>
internal static class InboxApp
{
    public const string Token = "pamtest";
    public const string AppId = "wx1234567890abcdef";

    public static readonly string[] Agents = ["agent-a", "agent-b", "agent-c"];

    public static string KeyOf(string agent) => $"{agent}-key-0123456789abcdef";

    public static Dictionary<string, string?> Settings(Uri? fakeChannels = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Scrm:Connectors:WeChat:Accounts:brand:AppId"] = AppId,
            ["Scrm:Connectors:WeChat:Accounts:brand:Token"] = Token,
            ["Scrm:Scheduling:Store"] = "Memory",
        };
        if (fakeChannels is not null)
        {
            settings["Scrm:Community:Assignment:Teams:0:Name"] = "care";
            settings["Scrm:Community:Assignment:Teams:0:TeamLead"] = "agent-c";
            settings["Scrm:Community:Assignment:Teams:0:Agents:0:Id"] = "agent-a";
            settings["Scrm:Community:Assignment:Teams:0:Agents:1:Id"] = "agent-b";
            // Agents here answer any conversation (the default reach is their team's, and these keys are in no directory team).
            settings["Scrm:Access:Reach:community:conversations"] = "All";
            settings["Scrm:Connectors:WeChat:Accounts:brand:AppSecret"] = "app-secret";
            settings["Scrm:Connectors:WeChat:ApiBaseUrl"] = fakeChannels.ToString();
        }

        for (var i = 0; i < Agents.Length; i++)
        {
            settings[$"Scrm:Auth:ApiKeys:{5 + i}:Key"] = KeyOf(Agents[i]);
            settings[$"Scrm:Auth:ApiKeys:{5 + i}:Role"] = "community";
            settings[$"Scrm:Auth:ApiKeys:{5 + i}:Name"] = Agents[i];
        }

        return settings;
    }

    public static HttpClient Agent(this ScrmApp app, string agent)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", KeyOf(agent));
        return client;
    }

    /// <summary>A customer writes to the Official Account: a signed plain-mode callback, as the platform sends it.</summary>
    public static async Task SendWeChatTextAsync(this ScrmApp app, string from, long msgId, string text, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var xml = $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{now.ToUnixTimeSeconds()}</CreateTime>" +
                  $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>{msgId}</MsgId></xml>";
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        using var client = app.CreateClient();
        var response = await client.PostAsync($"/connectors/wechat/brand?signature={CallbackSignature.Compute(Token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid={from}",
            new StringContent(xml, Encoding.UTF8, "text/xml"), ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public const string CorpId = "ww0123456789abcdef";
    private const string WeComToken = "QDG6eK";
    private const string WeComAesKey = "Ko1kxXoq0mHxg6vXcfGrpwSIQO3Ty2sx7YqjBgDkiYr";

    /// <summary>A WeCom corporation <c>corp</c> whose API is the fake channel server's.</summary>
    public static void AddWeCom(Dictionary<string, string?> settings, Uri fakeWeCom)
    {
        settings["Scrm:Connectors:WeCom:Accounts:corp:CorpId"] = CorpId;
        settings["Scrm:Connectors:WeCom:Accounts:corp:Token"] = WeComToken;
        settings["Scrm:Connectors:WeCom:Accounts:corp:EncodingAesKey"] = WeComAesKey;
        settings["Scrm:Connectors:WeCom:Accounts:corp:Secret"] = "wecom-secret";
        settings["Scrm:Connectors:WeCom:ApiBaseUrl"] = fakeWeCom.ToString();
    }

    /// <summary>
    /// WeCom tells the host that customer service (微信客服) account <paramref name="openKfId"/> has new
    /// messages: the encrypted, signed <c>kf_msg_or_event</c> callback, as the platform sends it.
    /// </summary>
    public static async Task SendKfCallbackAsync(this ScrmApp app, string openKfId, string token, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = $"<xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[event]]></MsgType>" +
                  $"<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[{token}]]></Token><OpenKfId><![CDATA[{openKfId}]]></OpenKfId></xml>";
        var ts = now.ToString(CultureInfo.InvariantCulture);
        var nonce = Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var encrypted = new CallbackCipher(WeComAesKey, CorpId).Encrypt(xml);
        var body = $"<xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>";
        using var client = app.CreateClient();
        var response = await client.PostAsync($"/connectors/wecom/corp?msg_signature={CallbackSignature.Compute(WeComToken, ts, nonce, encrypted)}&timestamp={ts}&nonce={nonce}",
            new StringContent(body, Encoding.UTF8, "text/xml"), ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>A customer-service message the fake WeCom holds for <c>kf/sync_msg</c> (origin 3: from the customer).</summary>
    public static System.Text.Json.Nodes.JsonObject KfMessage(string openKfId, string msgId, string customer, string text, DateTimeOffset at) => new()
    {
        ["msgid"] = msgId,
        ["open_kfid"] = openKfId,
        ["external_userid"] = customer,
        ["send_time"] = at.ToUnixTimeSeconds(),
        ["origin"] = 3,
        ["msgtype"] = "text",
        ["text"] = new System.Text.Json.Nodes.JsonObject { ["content"] = text },
    };

    /// <summary>A WeChat message as the connector appends it, sent at <paramref name="at"/> (a message from long ago).</summary>
    public static async Task WeChatMessageAtAsync(this ScrmApp app, string from, string msgId, string text, DateTimeOffset at, CancellationToken ct)
    {
        var payload = new MessagePayload("wechat", "brand", new ChannelContact(from, null, null), "gh_test", msgId, MessageTypes.Text, text, null, null, null, at, null);
        var item = new InboundItem(InboundKind.Message, "wechat", "brand", $"wechat:brand:{msgId}", at, JsonSerializer.Serialize(payload, InboundJson.Default.MessagePayload));
        await app.Services.GetRequiredService<IJournal>().AppendAsync([item], ct);
    }

    /// <summary>A Weibo comment on the brand's post, as the Weibo poller appends it.</summary>
    public static async Task CommentOnWeiboAsync(this ScrmApp app, string author, string commentId, string statusId, string text, DateTimeOffset at, CancellationToken ct)
    {
        var metadata = new Dictionary<string, JsonElement>
        {
            ["feed"] = JsonSerializer.SerializeToElement("comment"),
            ["inReplyTo"] = JsonSerializer.SerializeToElement(statusId),
        };
        var payload = new MentionPayload("weibo", commentId, new Person(author, "微博用户" + author), text, $"https://weibo.com/{author}/{commentId}", at, metadata);
        var item = new InboundItem(InboundKind.Mention, "weibo", "brand", $"weibo:brand:comment:{commentId}", at, JsonSerializer.Serialize(payload, InboundJson.Default.MentionPayload));
        await app.Services.GetRequiredService<IJournal>().AppendAsync([item], ct);
    }

    public static async Task<JsonElement> PollAsync(Func<Task<JsonElement?>> probe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Not there in time.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the inbox (as <paramref name="client"/> sees it, with <paramref name="query"/>) holds <paramref name="count"/> conversations.</summary>
    public static Task<JsonElement> InboxWithAsync(this HttpClient client, int count, string query = "", Func<JsonElement, bool>? until = null) =>
        PollAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/conversations" + query, TestContext.Current.CancellationToken);
            var items = page.GetProperty("items");
            return items.GetArrayLength() == count && (until is null || until(page)) ? page : null;
        });

    public static async Task<JsonElement> ConversationAsync(this HttpClient client, long id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{id}", TestContext.Current.CancellationToken);
}
