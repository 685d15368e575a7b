using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Connectors.WeCom.Contacts;
using Scrm.Connectors.WeCom.Outbound;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.WeCom.Kf;

/// <summary>What <c>cgi-bin/kf/customer/batchget</c> tells about one customer-service customer, as a journal item. Pure.</summary>
internal static class KfCustomer
{
    /// <summary>
    /// The customer's UnionID as a contact event that joins their external_userid with it (the same item,
    /// under the same key, as an external contact's lookup gives); null when the answer does not hold the
    /// customer or holds no UnionID (the kf account is not bound to a WeChat developer account).
    /// </summary>
    public static InboundItem? ToItem(string account, string externalUserId, JsonObject answer, DateTimeOffset now)
    {
        var customer = (answer["customer_list"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(c => c["external_userid"] is JsonValue v && v.TryGetValue<string>(out var id) && id == externalUserId);
        return customer is null ? null : ExternalContact.ToItem(account, externalUserId, new JsonObject { ["external_contact"] = customer.DeepClone() }, now);
    }
}

/// <summary>
/// Looks up the UnionID of customers who write to a customer-service (微信客服) account with
/// <c>cgi-bin/kf/customer/batchget</c>, once per customer while the host runs, after their messages are
/// pulled. A UnionID found is appended under the contact's UnionID key, so identity resolution joins the kf
/// customer with the same person's Official Account OpenID and WeCom contact. WeCom answers an id it does
/// not know in <c>invalid_external_userid</c>: that is an answer, not tried again.
/// </summary>
internal sealed partial class KfCustomerLookup(WeComAccounts accounts, WeComApiClient api, IJournal journal, TimeProvider time, ILogger<KfCustomerLookup> log)
    : OncePerContact(log)
{
    public void Request(WeComAccount account, string externalUserId)
    {
        if (account.Secret is null || !ExternalContact.IsToken(externalUserId))
        {
            return;
        }

        Enqueue(account.Name, externalUserId);
    }

    protected override async Task<bool> LookUpAsync(string accountName, string externalUserId, CancellationToken cancellationToken)
    {
        if (accounts.Find(accountName) is not { Secret: not null } account)
        {
            return true;
        }

        var body = new JsonObject { ["external_userid_list"] = new JsonArray(externalUserId), ["need_enter_session_context"] = 0 };
        var reply = await api.CallAsync(account, "cgi-bin/kf/customer/batchget", body, cancellationToken);
        if (reply.ErrCode != 0 || reply.Body is not { } answer)
        {
            LogRefused(Log, account.Name, reply.ErrCode);
            return false;
        }

        if (KfCustomer.ToItem(account.Name, externalUserId, answer, time.GetUtcNow()) is { } item)
        {
            await journal.AppendAsync([item], cancellationToken);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom refused cgi-bin/kf/customer/batchget for account {Account} (errcode {ErrCode})")]
    private static partial void LogRefused(ILogger logger, string account, int errCode);
}
