using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Connectors.WeCom.Outbound;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.WeCom.Contacts;

/// <summary>What <c>cgi-bin/externalcontact/get</c> tells about an external contact, as a journal item. Pure.</summary>
internal static class ExternalContact
{
    /// <summary>
    /// The contact's UnionID as a contact event (<see cref="ContactEventTypes.Identified"/>) that joins the
    /// external_userid with the UnionID; null when the answer has none (not a WeChat user, or the
    /// corporation is not bound to an Open Platform account).
    /// </summary>
    public static InboundItem? ToItem(string account, string externalUserId, JsonObject answer, DateTimeOffset now)
    {
        if (answer["external_contact"] is not JsonObject contact || contact["unionid"] is not JsonValue v || !v.TryGetValue<string>(out var unionId)
            || !IsToken(unionId) || (contact["external_userid"] is JsonValue e && e.TryGetValue<string>(out var answered) && answered != externalUserId))
        {
            return null;
        }

        var payload = new ContactEventPayload(WeComChannel.Name, account, new ChannelContact(externalUserId, unionId, null), ContactEventTypes.Identified,
            null, null, false, null, null, now, null);
        return new InboundItem(InboundKind.ContactEvent, WeComChannel.Name, account, $"{WeComChannel.Name}:{account}:unionid:{externalUserId}", now,
            JsonSerializer.Serialize(payload, InboundJson.Stored.ContactEventPayload));
    }

    public static bool IsToken(string? value) => value is { Length: > 0 and <= 128 } && value.All(c => c > ' ' && c < '\u007f');
}

/// <summary>
/// Looks up a WeCom customer's UnionID once per customer while the host runs, after the callback or pull
/// that named them is answered, and appends what it finds to the journal under the contact's UnionID key,
/// so identity resolution joins the WeCom customer with the same person's Official Account OpenID. The
/// two lookups differ only in the WeCom call and how its answer reads. A call WeCom refuses is tried again
/// on the contact's next change; an answer without a UnionID is an answer.
/// </summary>
internal abstract partial class WeComUnionIdLookup(WeComAccounts accounts, WeComApiClient api, IJournal journal, TimeProvider time, ILogger log)
    : OncePerContact(log)
{
    /// <summary>The API path, for the log line (never with the customer's id).</summary>
    protected abstract string Endpoint { get; }

    protected abstract Task<TencentReply> CallAsync(WeComApiClient api, WeComAccount account, string externalUserId, CancellationToken cancellationToken);

    protected abstract InboundItem? ToItem(string account, string externalUserId, JsonObject answer, DateTimeOffset now);

    public void Request(WeComAccount account, string externalUserId)
    {
        if (account.Secret is null || !ExternalContact.IsToken(externalUserId))
        {
            return;
        }

        Enqueue(account.Name, externalUserId);
    }

    /// <summary>False when the platform did not answer (tried again on the contact's next change).</summary>
    protected override async Task<bool> LookUpAsync(string accountName, string externalUserId, CancellationToken cancellationToken)
    {
        if (accounts.Find(accountName) is not { Secret: not null } account)
        {
            return true;
        }

        var reply = await CallAsync(api, account, externalUserId, cancellationToken);
        if (reply.ErrCode != 0 || reply.Body is not { } answer)
        {
            LogRefused(Log, Endpoint, account.Name, reply.ErrCode);
            return false;
        }

        if (ToItem(account.Name, externalUserId, answer, time.GetUtcNow()) is { } item)
        {
            await journal.AppendAsync([item], cancellationToken);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom refused {Endpoint} for account {Account} (errcode {ErrCode})")]
    private static partial void LogRefused(ILogger logger, string endpoint, string account, int errCode);
}

/// <summary>The UnionID of external contacts a rep adds or edits, with <c>cgi-bin/externalcontact/get</c>.</summary>
internal sealed class UnionIdLookup(WeComAccounts accounts, WeComApiClient api, IJournal journal, TimeProvider time, ILogger<UnionIdLookup> log)
    : WeComUnionIdLookup(accounts, api, journal, time, log)
{
    protected override string Endpoint => "cgi-bin/externalcontact/get";

    protected override Task<TencentReply> CallAsync(WeComApiClient api, WeComAccount account, string externalUserId, CancellationToken cancellationToken) =>
        api.CallAsync(account, $"{Endpoint}?external_userid={Uri.EscapeDataString(externalUserId)}", null, cancellationToken);

    protected override InboundItem? ToItem(string account, string externalUserId, JsonObject answer, DateTimeOffset now) =>
        ExternalContact.ToItem(account, externalUserId, answer, now);
}
