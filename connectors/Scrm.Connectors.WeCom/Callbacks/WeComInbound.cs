using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Ingestion;

namespace Scrm.Connectors.WeCom.Callbacks;

/// <summary>WeCom's inbound contract: every callback is encrypted and signed with msg_signature.</summary>
internal sealed class WeComInbound(WeComAccounts accounts, Kf.KfSync kf, Contacts.UnionIdLookup unionIds) : IInboundConnector<CallbackDelivery>
{
    public string Channel => WeComChannel.Name;

    public InboundItem? Parse(string account, CallbackDelivery delivery, DateTimeOffset now)
    {
        var a = accounts.Find(account) ?? throw new ArgumentException("No such WeCom account.", nameof(account));
        var xml = TencentCallback.OpenEncrypted(a.Token, a.Cipher, delivery.Query, delivery.Body, now, accounts.ReplayWindow);
        if (xml["Event"] == "kf_msg_or_event" && xml["Token"] is { Length: > 0 and <= 256 } token && xml["OpenKfId"] is { Length: > 0 and <= 128 } openKfId)
        {
            // New customer-service messages: pulled with the callback's token, after the platform is answered.
            kf.Request(new Kf.KfPull(a.Name, openKfId, token));
            return null;
        }

        if (xml["Event"] == "change_external_contact" && xml["ChangeType"] is "add_external_contact" or "add_half_external_contact" or "edit_external_contact"
            && xml["ExternalUserID"] is { } externalUserId)
        {
            // A contact a rep added or edited: their UnionID is looked up after the platform is answered.
            unionIds.Request(a, externalUserId);
        }

        return WeComEvents.Map(a.Name, xml);
    }
}
