using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Community.Conversations;
using Scrm.Community.Storage;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Platform.Effects;
using Scrm.Platform.Faults;
using Scrm.Platform.Security;

namespace Scrm.Community.Replies;

/// <summary>What a reply sends: free text, or a channel-approved template (the one kind WeChat allows outside the 48-hour window).</summary>
internal sealed record ReplyContent(string? Text, string? TemplateId, IReadOnlyDictionary<string, string>? Values)
{
    public bool IsTemplate => TemplateId is not null;

    public OutboundContent ToOutbound() =>
        IsTemplate ? new TemplateContent(TemplateId!, Values ?? new Dictionary<string, string>(), null) : new TextContent(Text!);

    public string Shown => IsTemplate ? $"[template {TemplateId}]" : Text!;
}

internal enum ReplyStatus
{
    Sent,
    NotFound,
    Conflict,
    OutsideWindow,
    InProgress,
    ChannelRefused,
    ChannelUnavailable,
}

/// <summary>A reply's first answer, recorded with it and given again to a retried request with the same key.</summary>
internal sealed record ReplyOutcome(long MessageId, string Status, string? ChannelStatus, string? Detail, int Version);

/// <summary>What a reply request did: the outcome, or why nothing was sent.</summary>
/// <param name="Window">Which channel rule refused an <see cref="ReplyStatus.OutsideWindow"/> reply (one of <see cref="ReplyWindows"/>).</param>
/// <param name="SentInWindow">For <see cref="ReplyWindows.KfCount"/>: how many messages went out since the customer's last message.</param>
internal sealed record ReplyResult(
    ReplyStatus Status, ReplyOutcome? Outcome = null, ConversationSummary? Current = null, DateTimeOffset? WindowClosedAt = null, string? Detail = null,
    string? Window = null, int? SentInWindow = null);

/// <summary>The channel rules that close a conversation to free replies.</summary>
internal static class ReplyWindows
{
    /// <summary>WeChat Official Account: free text only within 48 hours of the customer's last message; a template message after.</summary>
    public const string WeChat = "wechat-48h";

    /// <summary>WeCom customer service (微信客服): nothing at all later than 48 hours after the customer's last message.</summary>
    public const string Kf = "wecom-kf-48h";

    /// <summary>WeCom customer service: at most 5 messages between two messages of the customer.</summary>
    public const string KfCount = "wecom-kf-5";

    /// <summary>The channel itself refused the reply as outside its window.</summary>
    public const string Channel = "channel";
}

/// <summary>
/// Replies through the conversation's channel, once per idempotency key. The reply is first reserved
/// (the message row, with the conversation's version checked and moved on, so of two agents replying at
/// once one reserves and the other is told what changed), then sent through the channel under a key
/// derived from the reply's (the channel's sent-message ledger answers a repeat "already sent"), then
/// recorded with its outcome (effect outcomes, ADR 0006). A retried request, or one after a crash
/// between the send and its record, finds the reservation and resumes: the channel is asked again
/// under the same key and sends nothing twice.
/// </summary>
internal sealed partial class ReplyService(
    IDbContextFactory<CommunityDbContext> contexts,
    IEnumerable<IOutboundChannel> channels,
    Workflow.CommunityEvents events,
    TimeProvider time,
    ILogger<ReplyService> log)
{
    public const string Effect = "reply.send";

    /// <summary>The channel has been called; the reply's outcome is not yet recorded.</summary>
    public const string SentBeforeRecord = "reply.sent-before-record";

    public static readonly TimeSpan WeChatWindow = ConversationQueries.WeChatWindow;

    public async Task<ReplyResult> ReplyAsync(long conversationId, string key, ReplyContent content, int? version, Caller caller, CancellationToken cancellationToken)
    {
        var reserved = await ReserveAsync(conversationId, key, content, version, caller, cancellationToken);
        if (reserved.Result is { } early)
        {
            return early;
        }

        var sent = await SendAsync(reserved.Message!, cancellationToken);
        CrashPoints.Reach(SentBeforeRecord);
        return await RecordAsync(reserved.Message!, sent, cancellationToken);
    }

    internal static string SourceKey(long conversationId, string key) => $"reply:{conversationId}:{key}";

    /// <summary>The message to send (new or resumed), or the answer when there is nothing to send.</summary>
    internal async Task<(ReplyResult? Result, Pending? Message)> ReserveAsync(
        long conversationId, string key, ReplyContent content, int? version, Caller caller, CancellationToken cancellationToken)
    {
        var sourceKey = SourceKey(conversationId, key);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var c = await caller.Scope(DataResources.Conversations).Apply(db.Conversations, x => x.Assignee).SingleOrDefaultAsync(x => x.Id == conversationId, cancellationToken);
        if (c is null)
        {
            return (new ReplyResult(ReplyStatus.NotFound), null);
        }

        var effects = await EffectOutcomes.LoadAsync<ReplyOutcome>(db, [sourceKey], cancellationToken);
        if (effects.TryReplay(sourceKey, out var replayed))
        {
            return (Answer(replayed.Outcome), null);
        }

        var now = time.GetUtcNow();
        var existing = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.SourceKey == sourceKey, cancellationToken);
        if (existing is not null)
        {
            // Reserved before (a retry, or a crash after the send): resume with what was reserved.
            return (null, new Pending(existing.Id, conversationId, sourceKey, c.Channel, c.Account, c.Contact, c.LastInboundAt, existing.Type == "template"
                ? content : new ReplyContent(existing.Text, null, null), await AnsweringAsync(db, c.Id, existing.Id, cancellationToken)));
        }

        if (version is { } seen && seen != c.Version)
        {
            return (new ReplyResult(ReplyStatus.Conflict, Current: ConversationQueries.Summary(c, now.ToUnixTimeMilliseconds(), masked: true)), null);
        }

        if (c.Channel == "wechat" && !content.IsTemplate && ReplyWindow.ClosedAt(c.LastInboundAt, now) is { } closed)
        {
            return (new ReplyResult(ReplyStatus.OutsideWindow, WindowClosedAt: closed, Window: ReplyWindows.WeChat), null);
        }

        var answering = await AnsweringAsync(db, c.Id, long.MaxValue, cancellationToken);
        if (KfWindow.Applies(c.Channel, answering))
        {
            var sentSince = await SentSinceCustomerAsync(db, c, cancellationToken);
            if (KfWindow.Refusal(c.LastInboundAt, sentSince, now) is { } refusal)
            {
                return (refusal, null);
            }
        }
        var row = new MessageRow
        {
            ConversationId = c.Id,
            SourceKey = sourceKey,
            Direction = MessageDirections.Out,
            Type = content.IsTemplate ? "template" : "text",
            Text = content.Shown,
            Author = caller.Id,
            At = now.ToUnixTimeMilliseconds(),
            Status = "sending",
        };
        db.Messages.Add(row);
        c.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await contexts.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Conversations.AsNoTracking().SingleAsync(x => x.Id == conversationId, cancellationToken);
            return (new ReplyResult(ReplyStatus.Conflict, Current: ConversationQueries.Summary(current, now.ToUnixTimeMilliseconds(), masked: true)), null);
        }
        catch (DbUpdateException)
        {
            // The same key reserved at this moment by a concurrent retry: that one sends.
            return (new ReplyResult(ReplyStatus.InProgress), null);
        }

        return (null, new Pending(row.Id, c.Id, sourceKey, c.Channel, c.Account, c.Contact, c.LastInboundAt, content, answering));
    }

    /// <summary>
    /// The customer's latest message before the reply (<paramref name="before"/>: the reply's row id) that
    /// the channel knows by id: a Weibo reply hangs under that comment, or on the post that mentioned us.
    /// </summary>
    internal static async Task<OutboundReference?> AnsweringAsync(CommunityDbContext db, long conversationId, long before, CancellationToken cancellationToken)
    {
        var latest = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Direction == MessageDirections.In && m.ExternalId != null && m.Id < before)
            .OrderByDescending(m => m.Id)
            .Select(m => new { m.ExternalId, m.InReplyTo })
            .FirstOrDefaultAsync(cancellationToken);
        return latest is null ? null : new OutboundReference(latest.ExternalId!, latest.InReplyTo);
    }

    /// <summary>Replies sent (or being sent) to the customer since their last message: what the customer-service allowance counts.</summary>
    internal static Task<int> SentSinceCustomerAsync(CommunityDbContext db, ConversationRow c, CancellationToken cancellationToken) =>
        db.Messages.CountAsync(m => m.ConversationId == c.Id && m.Direction == MessageDirections.Out && m.Status != "failed" && m.At >= c.LastInboundAt, cancellationToken);

    internal async Task<SendResult> SendAsync(Pending reply, CancellationToken cancellationToken)
    {
        var channel = channels.FirstOrDefault(ch => ch.Channel == reply.Channel);
        if (channel is null)
        {
            return new SendResult(SendStatus.NotConfigured, Detail: $"No outbound connector for {reply.Channel}.");
        }

        var message = new OutboundMessage(reply.Channel, reply.Account, reply.Contact, "community:" + reply.SourceKey, reply.Content.ToOutbound())
        {
            LastInboundAt = DateTimeOffset.FromUnixTimeMilliseconds(reply.LastInboundAt),
            InReplyTo = reply.InReplyTo,
        };
        return await channel.SendAsync(message, cancellationToken);
    }

    internal async Task<ReplyResult> RecordAsync(Pending reply, SendResult sent, CancellationToken cancellationToken)
    {
        if (sent.Status is SendStatus.InProgress or SendStatus.RateLimited or SendStatus.Unavailable or SendStatus.QuotaExceeded)
        {
            // Nothing went out: the reservation stays, and a retry with the same key sends it.
            LogNotYet(log, reply.Channel, sent.Status);
            return new ReplyResult(sent.Status == SendStatus.InProgress ? ReplyStatus.InProgress : ReplyStatus.ChannelUnavailable, Detail: sent.Status.ToString());
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var effects = await EffectOutcomes.LoadAsync<ReplyOutcome>(db, [reply.SourceKey], cancellationToken);
        if (effects.TryReplay(reply.SourceKey, out var replayed))
        {
            return Answer(replayed.Outcome);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var message = await db.Messages.SingleAsync(m => m.Id == reply.MessageId, cancellationToken);
        var conversation = await db.Conversations.SingleAsync(c => c.Id == reply.ConversationId, cancellationToken);
        var ok = sent.Status is SendStatus.Sent or SendStatus.AlreadySent;
        message.Status = ok ? "sent" : "failed";
        message.ExternalId = sent.ChannelMessageId is { Length: <= 200 } id ? id : null;
        if (ok)
        {
            ConversationRules.OnReply(conversation, now, ConversationRules.Preview(message.Text));
        }

        conversation.Version++;
        var outcome = new ReplyOutcome(message.Id, message.Status, sent.Status.ToString(), sent.Detail, conversation.Version);
        effects.Record(reply.SourceKey, outcome, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitEffectAsync(Effect, cancellationToken);
        if (!ok)
        {
            LogRefused(log, reply.Channel, sent.Status);
        }
        else
        {
            await events.AnsweredAsync(reply.ConversationId, "reply", cancellationToken);
        }

        return Answer(outcome);
    }

    private static ReplyResult Answer(ReplyOutcome outcome) =>
        outcome.Status == "sent" ? new(ReplyStatus.Sent, outcome, Detail: outcome.Detail)
        : outcome.ChannelStatus == nameof(SendStatus.OutsideWindow) ? new(ReplyStatus.OutsideWindow, outcome, Detail: outcome.Detail, Window: ReplyWindows.Channel)
        : new(ReplyStatus.ChannelRefused, outcome, Detail: outcome.Detail);

    /// <summary>A reply reserved and not yet recorded.</summary>
    internal sealed record Pending(long MessageId, long ConversationId, string SourceKey, string Channel, string Account, string Contact, long LastInboundAt, ReplyContent Content, OutboundReference? InReplyTo = null);

    [LoggerMessage(Level = LogLevel.Information, Message = "A {Channel} reply was not sent yet ({Status}); a retry with its key sends it")]
    private static partial void LogNotYet(ILogger logger, string channel, SendStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Channel} channel refused a reply ({Status})")]
    private static partial void LogRefused(ILogger logger, string channel, SendStatus status);
}

/// <summary>
/// The channel's reply window on a conversation as it stands now, shown before an agent replies.
/// </summary>
/// <param name="Window">The rule: <see cref="ReplyWindows.WeChat"/> (free text until <paramref name="ClosesAt"/>, a template after) or <see cref="ReplyWindows.Kf"/> (customer service: nothing after <paramref name="ClosesAt"/>, at most <paramref name="MessagesAllowed"/> messages before the customer writes again).</param>
/// <param name="Open">Whether a free reply may go out now.</param>
/// <param name="MessagesLeft">Customer service: how many more messages may go out before the customer writes again.</param>
/// <param name="Alternative">What remains once it is closed: <c>template</c> (WeChat) or <c>wait-for-customer</c> (customer service).</param>
internal sealed record ReplyWindowState(string Window, bool Open, DateTimeOffset ClosesAt, int? MessagesAllowed, int? MessagesLeft, string Alternative)
{
    /// <summary>The window of a conversation on <paramref name="channel"/>, or null when the channel has none (Weibo, web). Pure.</summary>
    /// <param name="sentSince">Messages sent (or being sent) to the customer since their last message (customer service only).</param>
    public static ReplyWindowState? Of(string channel, OutboundReference? answering, long lastInboundAt, int sentSince, DateTimeOffset now)
    {
        if (channel == "wechat")
        {
            var closes = DateTimeOffset.FromUnixTimeMilliseconds(lastInboundAt) + ReplyService.WeChatWindow;
            return new ReplyWindowState(ReplyWindows.WeChat, now < closes, closes, null, null, "template");
        }

        if (KfWindow.Applies(channel, answering))
        {
            var closes = DateTimeOffset.FromUnixTimeMilliseconds(lastInboundAt) + KfWindow.Length;
            var left = now < closes ? Math.Max(0, KfWindow.MaxMessages - sentSince) : 0;
            return new ReplyWindowState(ReplyWindows.Kf, left > 0, closes, KfWindow.MaxMessages, left, "wait-for-customer");
        }

        return null;
    }
}

/// <summary>WeChat's customer-service window: free-form replies only within 48 hours of the customer's last message. Pure.</summary>
internal static class ReplyWindow
{
    /// <summary>When the window closed, or null while it is open.</summary>
    public static DateTimeOffset? ClosedAt(long lastInboundAt, DateTimeOffset now)
    {
        var closes = DateTimeOffset.FromUnixTimeMilliseconds(lastInboundAt) + ReplyService.WeChatWindow;
        return now >= closes ? closes : null;
    }
}

/// <summary>
/// WeCom customer service (微信客服): after the customer's message the business may send at most
/// <see cref="MaxMessages"/> messages within <see cref="Length"/>; the customer's next message opens a
/// new allowance. Replies go to the kf account the customer's latest message came to. Pure.
/// </summary>
internal static class KfWindow
{
    public const int MaxMessages = 5;

    public static readonly TimeSpan Length = TimeSpan.FromHours(48);

    /// <summary>Whether the reply answers a customer-service message: a WeCom message that names its kf account as its thread.</summary>
    public static bool Applies(string channel, OutboundReference? answering) => channel == "wecom" && answering?.ThreadId is { Length: > 0 };

    /// <summary>Why nothing may be sent now, or null when a message may go out.</summary>
    /// <param name="sentSince">Messages sent (or being sent) to the customer since their last message.</param>
    public static ReplyResult? Refusal(long lastInboundAt, int sentSince, DateTimeOffset now)
    {
        var closes = DateTimeOffset.FromUnixTimeMilliseconds(lastInboundAt) + Length;
        if (now >= closes)
        {
            return new ReplyResult(ReplyStatus.OutsideWindow, WindowClosedAt: closes, Window: ReplyWindows.Kf);
        }

        return sentSince >= MaxMessages ? new ReplyResult(ReplyStatus.OutsideWindow, WindowClosedAt: closes, Window: ReplyWindows.KfCount, SentInWindow: sentSince) : null;
    }
}
