using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.WeChat.Accounts;
using Scrm.Connectors.WeChat.Outbound;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.WeChat.Followers;

/// <summary>What <c>cgi-bin/user/info</c> tells about a follower, as a journal item. Pure.</summary>
internal static class UserInfo
{
    /// <summary>
    /// The follower's UnionID as a contact event (<see cref="ContactEventTypes.Identified"/>) that joins the
    /// OpenID with the UnionID, or null when the answer has none (the account is not bound to an Open
    /// Platform account, or the user does not follow).
    /// </summary>
    public static InboundItem? ToItem(string account, string openId, JsonObject answer, DateTimeOffset now)
    {
        if (answer["unionid"] is not JsonValue v || !v.TryGetValue<string>(out var unionId) || !IsToken(unionId)
            || (answer["openid"] is JsonValue o && o.TryGetValue<string>(out var answered) && answered != openId))
        {
            return null;
        }

        var payload = new ContactEventPayload(WeChatChannel.Name, account, new ChannelContact(openId, unionId, null), ContactEventTypes.Identified,
            null, null, false, null, null, now, null);
        return new InboundItem(InboundKind.ContactEvent, WeChatChannel.Name, account, $"{WeChatChannel.Name}:{account}:unionid:{openId}", now,
            JsonSerializer.Serialize(payload, InboundJson.Stored.ContactEventPayload));
    }

    /// <summary>Ids are opaque tokens: printable, no spaces, at most 128 characters.</summary>
    public static bool IsToken(string? value) => value is { Length: > 0 and <= 128 } && value.All(c => c > ' ' && c < '\u007f');
}

/// <summary>
/// Looks up the UnionID of followers the connector sees for the first time (a follow, a scan or a
/// message from an OpenID it has not looked up since it started): <c>cgi-bin/user/info</c> with the
/// account's access token, after the callback is answered. A UnionID found is appended to the journal
/// (once per OpenID: its key), so identity resolution joins the follower with the same person on WeCom
/// and other apps of the Open Platform account. A failed lookup is tried again on the follower's next
/// callback.
/// </summary>
internal sealed partial class UnionIdLookup(WeChatAccounts accounts, WeChatApiClient api, IJournal journal, TimeProvider time, ILogger<UnionIdLookup> log)
    : OncePerContact(log)
{
    /// <summary>Queues a lookup unless this OpenID was looked up already or the account cannot call the API (no AppSecret).</summary>
    public void Request(WeChatAccount account, string openId)
    {
        if (account.AppSecret is null || !UserInfo.IsToken(openId))
        {
            return;
        }

        Enqueue(account.Name, openId);
    }

    /// <summary>False when the platform did not answer (tried again on the follower's next callback).</summary>
    protected override async Task<bool> LookUpAsync(string accountName, string openId, CancellationToken cancellationToken)
    {
        if (accounts.Find(accountName) is not { AppSecret: not null } account)
        {
            return true;
        }

        var reply = await api.CallAsync(account, $"cgi-bin/user/info?openid={Uri.EscapeDataString(openId)}&lang=zh_CN", null, cancellationToken);
        if (reply.ErrCode != 0 || reply.Body is not { } answer)
        {
            LogRefused(Log, account.Name, reply.ErrCode);
            return false;
        }

        if (UserInfo.ToItem(account.Name, openId, answer, time.GetUtcNow()) is { } item)
        {
            await journal.AppendAsync([item], cancellationToken);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat refused cgi-bin/user/info for account {Account} (errcode {ErrCode})")]
    private static partial void LogRefused(ILogger logger, string account, int errCode);
}
