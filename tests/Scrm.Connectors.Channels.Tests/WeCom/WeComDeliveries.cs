using System.Globalization;
using Scrm.Connectors.Channels.Tests.Compliance;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.Channels.Tests.WeCom;

/// <summary>Builds WeCom callbacks the way the platform signs and encrypts them (the vectors' corporation).</summary>
internal static class WeComDeliveries
{
    public const string CorpId = "ww0123456789abcdef";
    public const string Token = "QDG6eK";
    public const string AesKey = "Ko1kxXoq0mHxg6vXcfGrpwSIQO3Ty2sx7YqjBgDkiYr";

    public static Dictionary<string, string?> Account(string name, string? apiBase = null) => new()
    {
        [$"Scrm:Connectors:WeCom:Accounts:{name}:CorpId"] = CorpId,
        [$"Scrm:Connectors:WeCom:Accounts:{name}:Token"] = Token,
        [$"Scrm:Connectors:WeCom:Accounts:{name}:EncodingAesKey"] = AesKey,
        // Without the fake server's address the account only takes callbacks: no secret, so nothing calls WeCom's own servers.
        [$"Scrm:Connectors:WeCom:Accounts:{name}:Secret"] = apiBase is null ? null : "wecom-secret",
        ["Scrm:Connectors:WeCom:ApiBaseUrl"] = apiBase,
    };

    public static string Change(string changeType, long createTime, string userId, string externalUserId, string? state = null) =>
        $"<xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{createTime}</CreateTime>" +
        $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[{changeType}]]></ChangeType>" +
        $"<UserID><![CDATA[{userId}]]></UserID><ExternalUserID><![CDATA[{externalUserId}]]></ExternalUserID>" +
        (state is null ? "" : $"<State><![CDATA[{state}]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode>") + "</xml>";

    public static Delivery Deliver(string xml, long timestamp, string token = Token)
    {
        var nonce = Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var encrypted = new CallbackCipher(AesKey, CorpId).Encrypt(xml);
        return new Delivery(
            $"?msg_signature={CallbackSignature.Compute(token, ts, nonce, encrypted)}&timestamp={ts}&nonce={nonce}",
            $"<xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>");
    }
}
