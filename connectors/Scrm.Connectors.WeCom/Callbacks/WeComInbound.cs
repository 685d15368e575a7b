using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Ingestion;

namespace Scrm.Connectors.WeCom.Callbacks;

/// <summary>WeCom's inbound contract: every callback is encrypted and signed with msg_signature.</summary>
internal sealed class WeComInbound(WeComAccounts accounts) : IInboundConnector<CallbackDelivery>
{
    public string Channel => WeComChannel.Name;

    public InboundItem? Parse(string account, CallbackDelivery delivery, DateTimeOffset now)
    {
        var a = accounts.Find(account) ?? throw new ArgumentException("No such WeCom account.", nameof(account));
        return WeComEvents.Map(a.Name, TencentCallback.OpenEncrypted(a.Token, a.Cipher, delivery.Query, delivery.Body, now, accounts.ReplayWindow));
    }
}
