using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Connectors.WeCom.Storage;

namespace Scrm.Connectors.WeCom.Outbound;

/// <summary>A welcome message for a customer a rep just added: the event's WelcomeCode is valid for 20 seconds.</summary>
public sealed record WelcomeContent(string WelcomeCode, string Text) : OutboundContent;

/// <summary>A mass message (群发) from the corporation to customers, counted against each customer's monthly limit.</summary>
/// <param name="Sender">The rep who sends it; without one it is sent on the corporation's behalf.</param>
public sealed record MassSendRequest(string Account, string IdempotencyKey, IReadOnlyList<string> ExternalUserIds, string Text, string? Sender);

/// <summary>What became of a mass send, per customer.</summary>
/// <param name="OverLimit">Left out: they already had this month's allowance.</param>
/// <param name="Failed">Refused by the platform (listed in its fail_list).</param>
public sealed record MassSendResult(SendStatus Status, string? MessageId, IReadOnlyList<string> Sent, IReadOnlyList<string> OverLimit, IReadOnlyList<string> Failed, string? Detail);

/// <summary>
/// Sends through a WeCom corporation: welcome messages (<see cref="WelcomeContent"/>), replies to
/// customer-service (kf) messages (text <see cref="OutboundMessage.InReplyTo"/> a message whose thread is
/// the kf account), and mass messages, one customer (<see cref="TextContent"/>) or many (<see cref="MassSendAsync"/>). Every
/// send is idempotent on its key; mass sends respect the monthly per-customer limit.
/// </summary>
internal sealed class WeComSender(
    WeComAccounts accounts, WeComApiClient api, OutboundLedger<WeComDbContext> ledger, MassSendQuota quota, IOptions<WeComOptions> options, TimeProvider time)
    : IOutboundChannel
{
    public const int MaxTextLength = 4_000;

    /// <summary>A customer-service text message's limit in UTF-8 bytes.</summary>
    public const int MaxKfTextBytes = 2_048;

    public string Channel => WeComChannel.Name;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        switch (message.Content)
        {
            case WelcomeContent { WelcomeCode.Length: > 0, Text.Length: > 0 and <= MaxTextLength } welcome:
                if (accounts.Find(message.Account) is not { Secret: not null } account)
                {
                    return NotConfigured;
                }

                var body = new JsonObject { ["welcome_code"] = welcome.WelcomeCode, ["text"] = new JsonObject { ["content"] = welcome.Text } };
                return await ledger.SendOnceAsync(message,
                    async ct => WeComErrors.ToResult(await api.CallAsync(account, "cgi-bin/externalcontact/send_welcome_msg", body, ct)), cancellationToken);
            case TextContent { Text.Length: > 0 } kfText when message.InReplyTo is { ThreadId: { Length: > 0 and <= 128 } openKfId }:
                return await SendKfAsync(message, openKfId, kfText.Text, cancellationToken);
            case TextContent { Text.Length: > 0 and <= MaxTextLength } text:
                var result = await MassSendAsync(new MassSendRequest(message.Account, message.IdempotencyKey, [message.Recipient], text.Text, null), cancellationToken);
                return new SendResult(result.Status, result.MessageId, result.Detail);
            default:
                return new SendResult(SendStatus.Rejected, Detail: "WeCom sends a welcome message or text of 1 to 4,000 characters.");
        }
    }

    /// <summary>
    /// A reply in a customer-service (微信客服) conversation: <c>kf/send_msg</c> from the kf account the
    /// customer wrote to, once per idempotency key (the ledger, and the key's digest as WeCom's msgid).
    /// WeCom takes at most 5 messages within 48 hours of the customer's last message (errcode 95001 otherwise).
    /// </summary>
    private async Task<SendResult> SendKfAsync(OutboundMessage message, string openKfId, string text, CancellationToken cancellationToken)
    {
        if (accounts.Find(message.Account) is not { Secret: not null } account)
        {
            return NotConfigured;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxKfTextBytes)
        {
            return new SendResult(SendStatus.Rejected, Detail: "WeChat customer service sends text of at most 2,048 bytes (about 680 Chinese characters).");
        }

        var body = new JsonObject
        {
            ["touser"] = message.Recipient,
            ["open_kfid"] = openKfId,
            ["msgid"] = KfMessageId(message.IdempotencyKey),
            ["msgtype"] = "text",
            ["text"] = new JsonObject { ["content"] = text },
        };
        return await ledger.SendOnceAsync(message, async ct =>
        {
            var reply = await api.CallAsync(account, "cgi-bin/kf/send_msg", body, ct);
            return WeComErrors.ToResult(reply, reply.MessageId);
        }, cancellationToken);
    }

    /// <summary>WeCom's msgid for a kf message (at most 32 characters of [0-9a-zA-Z_-]): the idempotency key's digest, the same on every retry.</summary>
    internal static string KfMessageId(string idempotencyKey) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idempotencyKey)))[..32];

    public async Task<MassSendResult> MassSendAsync(MassSendRequest request, CancellationToken cancellationToken)
    {
        if (accounts.Find(request.Account) is not { Secret: not null } account)
        {
            return new MassSendResult(SendStatus.NotConfigured, null, [], [], [], NotConfigured.Detail);
        }

        if (request.ExternalUserIds.Count is 0 or > 10_000 || request.Text.Length is 0 or > MaxTextLength)
        {
            return new MassSendResult(SendStatus.Rejected, null, [], [], [], "A mass send has 1 to 10,000 customers and text of 1 to 4,000 characters.");
        }

        MassSendResult? outcome = null;
        var envelope = new OutboundMessage(Channel, request.Account, $"{request.ExternalUserIds.Count} customers", request.IdempotencyKey, new TextContent(request.Text));
        var sent = await ledger.SendOnceAsync(envelope, async ct =>
        {
            outcome = await SendWithinLimitAsync(account, request, ct);
            return new SendResult(outcome.Status, outcome.MessageId, outcome.Detail);
        }, cancellationToken);
        return outcome ?? new MassSendResult(sent.Status, sent.ChannelMessageId, [], [], [], sent.Detail);
    }

    private async Task<MassSendResult> SendWithinLimitAsync(WeComAccount account, MassSendRequest request, CancellationToken cancellationToken)
    {
        var month = MassSendQuota.Month(time.GetUtcNow());
        var reserved = await quota.ReserveAsync(account.Name, request.ExternalUserIds, month, options.Value.MonthlyMassSendLimitPerCustomer, cancellationToken);
        var overLimit = request.ExternalUserIds.Except(reserved, StringComparer.Ordinal).ToList();
        if (reserved.Count == 0)
        {
            return new MassSendResult(SendStatus.QuotaExceeded, null, [], overLimit, [], "Every customer already had this month's mass messages; nothing was sent.");
        }

        var body = new JsonObject
        {
            ["chat_type"] = "single",
            ["external_userid"] = new JsonArray(reserved.Select(u => (JsonNode?)u).ToArray()),
            ["sender"] = request.Sender,
            ["text"] = new JsonObject { ["content"] = request.Text },
        };
        TencentReply reply;
        try
        {
            reply = await api.CallAsync(account, "cgi-bin/externalcontact/add_msg_template", body, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            await quota.ReleaseAsync(account.Name, reserved, month);
            throw;
        }

        var result = WeComErrors.ToResult(reply, reply.MessageId);
        if (result.Status != SendStatus.Sent)
        {
            await quota.ReleaseAsync(account.Name, reserved, month);
            return new MassSendResult(result.Status, null, [], overLimit, [], result.Detail);
        }

        var failed = reply.Body?["fail_list"] is JsonArray list ? list.Select(n => n!.GetValue<string>()).ToList() : [];
        if (failed.Count > 0)
        {
            await quota.ReleaseAsync(account.Name, failed, month);
        }

        var delivered = reserved.Except(failed, StringComparer.Ordinal).ToList();
        return delivered.Count == 0
            ? new MassSendResult(SendStatus.RecipientUnavailable, result.ChannelMessageId, [], overLimit, failed, "WeCom could send to none of the customers.")
            : new MassSendResult(SendStatus.Sent, result.ChannelMessageId, delivered, overLimit, failed, null);
    }

    private static SendResult NotConfigured => new(SendStatus.NotConfigured, Detail: "No WeCom account with a Secret is configured under this name.");
}
