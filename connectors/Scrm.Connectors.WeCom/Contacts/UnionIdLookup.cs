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
/// Looks up the UnionID of external contacts a rep adds or edits (<c>cgi-bin/externalcontact/get</c>,
/// after the callback is answered), once per contact while the host runs. A UnionID found is appended to
/// the journal under one key per contact, so identity resolution joins the WeCom contact with the same
/// person's Official Account OpenID. A failed lookup is tried again on the contact's next change.
/// </summary>
internal sealed partial class UnionIdLookup(WeComAccounts accounts, WeComApiClient api, IJournal journal, TimeProvider time, ILogger<UnionIdLookup> log)
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

    /// <summary>False when the platform did not answer (tried again on the contact's next change).</summary>
    protected override async Task<bool> LookUpAsync(string accountName, string externalUserId, CancellationToken cancellationToken)
    {
        if (accounts.Find(accountName) is not { Secret: not null } account)
        {
            return true;
        }

        var reply = await api.CallAsync(account, $"cgi-bin/externalcontact/get?external_userid={Uri.EscapeDataString(externalUserId)}", null, cancellationToken);
        if (reply.ErrCode != 0 || reply.Body is not { } answer)
        {
            LogRefused(Log, account.Name, reply.ErrCode);
            return false;
        }

        if (ExternalContact.ToItem(account.Name, externalUserId, answer, time.GetUtcNow()) is { } item)
        {
            await journal.AppendAsync([item], cancellationToken);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom refused cgi-bin/externalcontact/get for account {Account} (errcode {ErrCode})")]
    private static partial void LogRefused(ILogger logger, string account, int errCode);
}
