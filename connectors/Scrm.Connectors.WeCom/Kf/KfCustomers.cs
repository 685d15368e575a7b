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
/// The UnionID of customers who write to a customer-service (微信客服) account, with
/// <c>cgi-bin/kf/customer/batchget</c> after their messages are pulled. WeCom answers an id it does not
/// know in <c>invalid_external_userid</c>: that is an answer, not tried again.
/// </summary>
internal sealed class KfCustomerLookup(WeComAccounts accounts, WeComApiClient api, IJournal journal, TimeProvider time, ILogger<KfCustomerLookup> log)
    : WeComUnionIdLookup(accounts, api, journal, time, log)
{
    protected override string Endpoint => "cgi-bin/kf/customer/batchget";

    protected override Task<TencentReply> CallAsync(WeComApiClient api, WeComAccount account, string externalUserId, CancellationToken cancellationToken) =>
        api.CallAsync(account, Endpoint, new JsonObject { ["external_userid_list"] = new JsonArray(externalUserId), ["need_enter_session_context"] = 0 }, cancellationToken);

    protected override InboundItem? ToItem(string account, string externalUserId, JsonObject answer, DateTimeOffset now) =>
        KfCustomer.ToItem(account, externalUserId, answer, now);
}
