namespace Scrm.Connectors.Sdk.Contract;

/// <summary>
/// The outbound half of the connector contract: send one message through a channel account. The
/// idempotency key makes a retry safe: a key that was sent once is answered
/// <see cref="SendStatus.AlreadySent"/> and never sent again.
/// </summary>
public interface IOutboundChannel
{
    string Channel { get; }

    Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>One message to one recipient on a channel account.</summary>
/// <param name="Recipient">The channel's id for the customer (OpenID, external user id).</param>
/// <param name="IdempotencyKey">Chosen by the caller, stable across its retries (e.g. workflow instance + step).</param>
public sealed record OutboundMessage(string Channel, string Account, string Recipient, string IdempotencyKey, OutboundContent Content)
{
    /// <summary>When the customer last wrote or acted, for channels that only allow replies within a window after that.</summary>
    public DateTimeOffset? LastInboundAt { get; init; }

    /// <summary>The customer's message this answers, for channels whose replies hang under it (a Weibo comment's public reply).</summary>
    public OutboundReference? InReplyTo { get; init; }
}

/// <summary>A message on the channel: its id, and the thread it is in when the channel needs both (Weibo: the comment and the post it is on).</summary>
public sealed record OutboundReference(string MessageId, string? ThreadId);

/// <summary>What to send. Each channel accepts the kinds it supports and refuses the others.</summary>
public abstract record OutboundContent;

public sealed record TextContent(string Text) : OutboundContent;

/// <summary>An image already uploaded to the channel.</summary>
public sealed record ImageContent(string MediaId) : OutboundContent;

public sealed record NewsContent(IReadOnlyList<NewsArticle> Articles) : OutboundContent;

public sealed record NewsArticle(string Title, string? Description, Uri Url, Uri? PictureUrl);

/// <summary>A channel-approved template filled with values (WeChat template messages).</summary>
public sealed record TemplateContent(string TemplateId, IReadOnlyDictionary<string, string> Values, Uri? Url) : OutboundContent;

/// <summary>The outcome of a send, as a caller acts on it.</summary>
public enum SendStatus
{
    /// <summary>The channel accepted the message.</summary>
    Sent,
    /// <summary>This idempotency key was sent before; nothing was sent now.</summary>
    AlreadySent,
    /// <summary>Another send with this key is under way.</summary>
    InProgress,
    /// <summary>The channel's reply window is closed (WeChat: 48 hours after the customer's last interaction).</summary>
    OutsideWindow,
    /// <summary>The recipient cannot receive: unfollowed, blocked, not a contact, or refused this kind of message.</summary>
    RecipientUnavailable,
    /// <summary>A quota is used up (daily API quota, monthly per-customer limit); retry in the next period.</summary>
    QuotaExceeded,
    /// <summary>Too many requests now; retry after a pause.</summary>
    RateLimited,
    /// <summary>The channel refused the content (too long, unknown template or media); do not retry as is.</summary>
    Rejected,
    /// <summary>The account is not configured to send, or its credentials are refused; an admin must act.</summary>
    NotConfigured,
    /// <summary>The channel is busy or unreachable and did not take the message; retry later.</summary>
    Unavailable,
    /// <summary>The request may or may not have reached the channel; it is not resent automatically.</summary>
    Uncertain,
}

/// <summary>What happened to a send, with the channel's own message id and error code when it gave them.</summary>
public sealed record SendResult(SendStatus Status, string? ChannelMessageId = null, string? Detail = null, int? ErrorCode = null)
{
    /// <summary>Whether sending again later with the same key may succeed.</summary>
    public bool Retriable => Status is SendStatus.InProgress or SendStatus.RateLimited or SendStatus.Unavailable;
}
