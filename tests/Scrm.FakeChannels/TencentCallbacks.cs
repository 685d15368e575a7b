using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Scrm.FakeChannels;

/// <summary>
/// Signs and encrypts callbacks the way the WeChat and WeCom platforms do, written here from the
/// platforms' description (not with the product's code), so the product's checks are tried by an
/// independent implementation: SHA-1 over the ordinally sorted token, timestamp, nonce (and
/// ciphertext); AES-256-CBC with the key from the 43-character EncodingAESKey, IV = its first 16
/// bytes, plaintext = 16 random bytes, 4-byte big-endian UTF-8 length, message, receive id, padded
/// PKCS#7-style to a 32-byte block.
/// </summary>
public static class TencentSigning
{
    public static string Sign(params string[] parts)
    {
        var sorted = (string[])parts.Clone();
        Array.Sort(sorted, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is the platforms' signature scheme.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
#pragma warning restore CA5350
    }

    public static string Encrypt(string encodingAesKey, string receiveId, string message)
    {
        var key = Convert.FromBase64String(encodingAesKey + "=");
        var body = Encoding.UTF8.GetBytes(message);
        var id = Encoding.UTF8.GetBytes(receiveId);
        var length = 16 + 4 + body.Length + id.Length;
        var pad = 32 - (length % 32);
        var plain = new byte[length + pad];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), body.Length);
        body.CopyTo(plain, 20);
        id.CopyTo(plain, 20 + body.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Text inside CDATA, with any <c>]]&gt;</c> split so it cannot close the section.</summary>
    public static string Cdata(string text) => "<![CDATA[" + text.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal) + "]]>";
}

/// <summary>
/// The demo accounts the fake server signs for unless a request names others: the same values go
/// into Scrm's settings (see the README), so a callback sent here is one Scrm accepts.
/// </summary>
public static class DemoAccounts
{
    public const string Name = "demo";
    public const string WeChatAppId = "wxfake0123456789ab";
    public const string WeChatToken = "fakewechattoken";
    public const string WeChatAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string WeComCorpId = "wwfake0123456789ab";
    public const string WeComToken = "fakewecomtoken";
    public const string WeComAesKey = "Ko1kxXoq0mHxg6vXcfGrpwSIQO3Ty2sx7YqjBgDkiYr";

    /// <summary>Scrm's settings for the demo accounts, as configuration keys.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        [$"Scrm:Connectors:WeChat:Accounts:{Name}:AppId"] = WeChatAppId,
        [$"Scrm:Connectors:WeChat:Accounts:{Name}:Token"] = WeChatToken,
        [$"Scrm:Connectors:WeChat:Accounts:{Name}:EncodingAesKey"] = WeChatAesKey,
        [$"Scrm:Connectors:WeCom:Accounts:{Name}:CorpId"] = WeComCorpId,
        [$"Scrm:Connectors:WeCom:Accounts:{Name}:Token"] = WeComToken,
        [$"Scrm:Connectors:WeCom:Accounts:{Name}:EncodingAesKey"] = WeComAesKey,
    };
}

/// <summary>
/// <c>POST /fake/wechat/callbacks</c> and <c>POST /fake/wecom/callbacks</c>: build a callback as the
/// platform would (a text message, a follow, a WeCom external contact added or removed), encrypt and
/// sign it for the account, post it to Scrm's callback URL and answer what Scrm said.
/// </summary>
internal static class TencentCallbacks
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private static long _messageIds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public static async Task<IResult> WeChatAsync(HttpRequest request, Uri scrm)
    {
        var body = await BodyAsync(request);
        var account = Text(body, "account") ?? DemoAccounts.Name;
        var appId = Text(body, "appId") ?? DemoAccounts.WeChatAppId;
        var token = Text(body, "token") ?? DemoAccounts.WeChatToken;
        var aesKey = Text(body, "encodingAesKey") ?? DemoAccounts.WeChatAesKey;
        var from = Text(body, "from") ?? "oFakeUser0001";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var head = $"<xml><ToUserName>{TencentSigning.Cdata("gh_fake")}</ToUserName><FromUserName>{TencentSigning.Cdata(from)}</FromUserName><CreateTime>{now}</CreateTime>";
        string xml;
        switch (Text(body, "event") ?? "text")
        {
            case "text":
                var msgId = Interlocked.Increment(ref _messageIds);
                xml = head + $"<MsgType>{TencentSigning.Cdata("text")}</MsgType><Content>{TencentSigning.Cdata(Text(body, "content") ?? "你好，请问怎么收费？")}</Content><MsgId>{msgId}</MsgId></xml>";
                break;
            case "subscribe":
                var scene = Text(body, "scene");
                xml = head + $"<MsgType>{TencentSigning.Cdata("event")}</MsgType><Event>{TencentSigning.Cdata("subscribe")}</Event>"
                    + (scene is null ? "" : $"<EventKey>{TencentSigning.Cdata("qrscene_" + scene)}</EventKey><Ticket>{TencentSigning.Cdata("FAKETICKET")}</Ticket>") + "</xml>";
                break;
            case "unsubscribe":
                xml = head + $"<MsgType>{TencentSigning.Cdata("event")}</MsgType><Event>{TencentSigning.Cdata("unsubscribe")}</Event></xml>";
                break;
            default:
                return TypedResults.Problem("event must be text, subscribe or unsubscribe.", statusCode: StatusCodes.Status400BadRequest);
        }

        var ts = now.ToString(CultureInfo.InvariantCulture);
        var nonce = Nonce();
        var encrypted = TencentSigning.Encrypt(aesKey, appId, xml);
        var query = $"?signature={TencentSigning.Sign(token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid={Uri.EscapeDataString(from)}"
            + $"&encrypt_type=aes&msg_signature={TencentSigning.Sign(token, ts, nonce, encrypted)}";
        var envelope = $"<xml><ToUserName>{TencentSigning.Cdata("gh_fake")}</ToUserName><Encrypt>{TencentSigning.Cdata(encrypted)}</Encrypt></xml>";
        return await DeliverAsync(Target(body, scrm, $"connectors/wechat/{Uri.EscapeDataString(account)}") + query, envelope, xml);
    }

    public static async Task<IResult> WeComAsync(HttpRequest request, Uri scrm)
    {
        var body = await BodyAsync(request);
        var account = Text(body, "account") ?? DemoAccounts.Name;
        var corpId = Text(body, "corpId") ?? DemoAccounts.WeComCorpId;
        var token = Text(body, "token") ?? DemoAccounts.WeComToken;
        var aesKey = Text(body, "encodingAesKey") ?? DemoAccounts.WeComAesKey;
        var changeType = Text(body, "event") ?? "add_external_contact";
        if (changeType is not ("add_external_contact" or "edit_external_contact" or "del_external_contact" or "del_follow_user" or "kf_msg_or_event"))
        {
            return TypedResults.Problem("event must be add_external_contact, edit_external_contact, del_external_contact, del_follow_user or kf_msg_or_event.", statusCode: StatusCodes.Status400BadRequest);
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var state = Text(body, "state");
        var xml = changeType == "kf_msg_or_event"
            // New customer-service messages: the token lets kf/sync_msg read them (valid 10 minutes).
            ? $"<xml><ToUserName>{TencentSigning.Cdata(corpId)}</ToUserName><CreateTime>{now}</CreateTime><MsgType>{TencentSigning.Cdata("event")}</MsgType>"
              + $"<Event>{TencentSigning.Cdata("kf_msg_or_event")}</Event><Token>{TencentSigning.Cdata(Text(body, "kfToken") ?? "ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR")}</Token>"
              + $"<OpenKfId>{TencentSigning.Cdata(Text(body, "openKfId") ?? "wkFakeKf0001")}</OpenKfId></xml>"
            : $"<xml><ToUserName>{TencentSigning.Cdata(corpId)}</ToUserName><FromUserName>{TencentSigning.Cdata("sys")}</FromUserName><CreateTime>{now}</CreateTime>"
            + $"<MsgType>{TencentSigning.Cdata("event")}</MsgType><Event>{TencentSigning.Cdata("change_external_contact")}</Event><ChangeType>{TencentSigning.Cdata(changeType)}</ChangeType>"
            + $"<UserID>{TencentSigning.Cdata(Text(body, "userId") ?? "zhangsan")}</UserID><ExternalUserID>{TencentSigning.Cdata(Text(body, "externalUserId") ?? "wmFakeExternal0001")}</ExternalUserID>"
            + (state is null ? "" : $"<State>{TencentSigning.Cdata(state)}</State>")
            + (changeType == "add_external_contact" ? $"<WelcomeCode>{TencentSigning.Cdata("FAKEWELCOMECODE")}</WelcomeCode>" : "") + "</xml>";
        var ts = now.ToString(CultureInfo.InvariantCulture);
        var nonce = Nonce();
        var encrypted = TencentSigning.Encrypt(aesKey, corpId, xml);
        var query = $"?msg_signature={TencentSigning.Sign(token, ts, nonce, encrypted)}&timestamp={ts}&nonce={nonce}";
        var envelope = $"<xml><ToUserName>{TencentSigning.Cdata(corpId)}</ToUserName><AgentID>{TencentSigning.Cdata("1000002")}</AgentID><Encrypt>{TencentSigning.Cdata(encrypted)}</Encrypt></xml>";
        return await DeliverAsync(Target(body, scrm, $"connectors/wecom/{Uri.EscapeDataString(account)}") + query, envelope, xml);
    }

    private static async Task<IResult> DeliverAsync(string url, string envelope, string plaintext)
    {
        using var response = await Http.PostAsync(url, new StringContent(envelope, Encoding.UTF8, "text/xml"));
        var answer = await response.Content.ReadAsStringAsync();
        return TypedResults.Ok(new CallbackSent(url[..url.IndexOf('?', StringComparison.Ordinal)], (int)response.StatusCode, answer, plaintext));
    }

    private static string Target(JsonObject body, Uri scrm, string path) => new Uri(Text(body, "scrm") is { } other ? new Uri(other.TrimEnd('/') + "/") : scrm, path).ToString();

    private static async Task<JsonObject> BodyAsync(HttpRequest request) =>
        request.ContentLength is 0 || !request.HasJsonContentType() ? [] : (await request.ReadFromJsonAsync<JsonObject>()) ?? [];

    private static string? Text(JsonObject body, string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static string Nonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}

/// <summary>What the fake platform posted and what Scrm answered.</summary>
/// <param name="Plaintext">The callback's XML before encryption.</param>
public sealed record CallbackSent(string Url, int Status, string Answer, string Plaintext);
