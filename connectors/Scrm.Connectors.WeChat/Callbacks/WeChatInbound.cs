using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeChat.Accounts;
using Scrm.Ingestion;

namespace Scrm.Connectors.WeChat.Callbacks;

/// <summary>
/// The Official Account's inbound contract: a safe-mode account takes encrypted callbacks only; an
/// account without an EncodingAESKey takes plain ones, signed over token, timestamp and nonce.
/// </summary>
internal sealed class WeChatInbound(WeChatAccounts accounts, Followers.UnionIdLookup unionIds) : IInboundConnector<CallbackDelivery>
{
    public string Channel => WeChatChannel.Name;

    public InboundItem? Parse(string account, CallbackDelivery delivery, DateTimeOffset now)
    {
        var a = accounts.Find(account) ?? throw new ArgumentException("No such WeChat account.", nameof(account));
        var (query, body) = (delivery.Query, delivery.Body);
        CallbackXml xml;
        if (a.Cipher is { } cipher)
        {
            xml = query.IsEncrypted
                ? TencentCallback.OpenEncrypted(a.Token, cipher, query, body, now, accounts.ReplayWindow)
                : throw new CallbackRejectedException(CallbackFailure.BadSignature, "This account takes encrypted callbacks only (safe mode).");
        }
        else
        {
            xml = TencentCallback.OpenPlain(a.Token, query, body, now, accounts.ReplayWindow);
        }

        var item = WeChatMessages.Map(a.Name, xml);
        if (xml["MsgType"] != "event" || xml["Event"] is "subscribe" or "SCAN")
        {
            // A follower who follows, scans or writes: their UnionID is looked up after the platform is answered.
            unionIds.Request(a, xml.Required("FromUserName"));
        }

        return item;
    }
}
