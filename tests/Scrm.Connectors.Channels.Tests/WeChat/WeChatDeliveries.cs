using System.Globalization;
using Scrm.Connectors.Channels.Tests.Compliance;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.Channels.Tests.WeChat;

/// <summary>Builds Official Account callbacks the way the platform signs and encrypts them.</summary>
internal static class WeChatDeliveries
{
    public const string AppId = "wx1234567890abcdef";
    public const string Token = "pamtest";
    public const string AesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    public static Dictionary<string, string?> Account(string name, bool safeMode) => new()
    {
        [$"Scrm:Connectors:WeChat:Accounts:{name}:AppId"] = AppId,
        [$"Scrm:Connectors:WeChat:Accounts:{name}:Token"] = Token,
        [$"Scrm:Connectors:WeChat:Accounts:{name}:EncodingAesKey"] = safeMode ? AesKey : null,
    };

    public static string Text(long msgId, DateTimeOffset at, string content, string from = "oUser1") =>
        $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{at.ToUnixTimeSeconds()}</CreateTime>" +
        $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msgId}</MsgId></xml>";

    public static Delivery Plain(string xml, long timestamp, string token = Token)
    {
        var nonce = Nonce();
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        return new Delivery($"?signature={CallbackSignature.Compute(token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid=oUser1", xml);
    }

    public static Delivery Safe(string xml, long timestamp, string token = Token)
    {
        var nonce = Nonce();
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var encrypted = new CallbackCipher(AesKey, AppId).Encrypt(xml);
        var query = $"?signature={CallbackSignature.Compute(token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid=oUser1" +
            $"&encrypt_type=aes&msg_signature={CallbackSignature.Compute(token, ts, nonce, encrypted)}";
        return new Delivery(query, $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>");
    }

    private static string Nonce() => Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
}
