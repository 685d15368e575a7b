namespace Scrm.Community.Storage;

/// <summary>
/// One conversation: a customer on one channel account (a WeChat or WeCom chat, a Weibo author's
/// comments and mentions). Times are Unix milliseconds. <see cref="Version"/> is the concurrency
/// token every change checks, so two agents acting at once cannot both succeed.
/// </summary>
internal sealed class ConversationRow
{
    public long Id { get; set; }

    /// <summary><c>{channel}:{account}:{contact}</c>: where the channel threads it.</summary>
    public string ThreadKey { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Account { get; set; } = "";

    /// <summary>The channel's id for the customer (OpenID, external user id, Weibo uid): where replies go.</summary>
    public string Contact { get; set; } = "";
    public string? ContactName { get; set; }
    public Guid? CustomerId { get; set; }

    /// <summary><c>open</c> (waiting for us), <c>pending</c> (waiting for the customer) or <c>resolved</c>.</summary>
    public string Status { get; set; } = ConversationStatus.Open;
    public string? Assignee { get; set; }

    /// <summary>The assignee's team (its lead receives escalations).</summary>
    public string? Team { get; set; }

    /// <summary>The latest inbound text's classification.</summary>
    public string? Intent { get; set; }
    public string? Sentiment { get; set; }

    /// <summary>The customer's value tier when their latest message arrived (the service-level targets depend on it).</summary>
    public string? Tier { get; set; }

    /// <summary>The latest message, clipped.</summary>
    public string? Preview { get; set; }
    public long OpenedAt { get; set; }
    public long LastInboundAt { get; set; }
    public long LastMessageAt { get; set; }

    /// <summary>When the first response to the customer's waiting message is due (null: nothing waits for us).</summary>
    public long? DueAt { get; set; }

    /// <summary>When the conversation was last resolved (null while it is not resolved: a reopened conversation is owed a resolution again).</summary>
    public long? ResolvedAt { get; set; }

    /// <summary>The inbox order, ascending: the due time while the customer waits, later the longer ago it was last active otherwise.</summary>
    public long Urgency { get; set; }
    public int Messages { get; set; }
    public int Version { get; set; }

    /// <summary>The source key of the customer's message the current wait began with (null: nothing waits for us); the service-level workflow watches this wait.</summary>
    public string? WaitingKey { get; set; }
}

/// <summary>A message in a conversation: the customer's (<c>in</c>), a reply (<c>out</c>) or an internal note (<c>note</c>).</summary>
internal sealed class MessageRow
{
    public long Id { get; set; }
    public long ConversationId { get; set; }

    /// <summary>Unique: the journal item's key for an inbound message, the reply's key for a reply.</summary>
    public string SourceKey { get; set; } = "";
    public string Direction { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Text { get; set; }

    /// <summary>The channel's id for the message (a Weibo comment's id is what a public reply answers).</summary>
    public string? ExternalId { get; set; }

    /// <summary>What it answers on the channel (the Weibo post commented on).</summary>
    public string? InReplyTo { get; set; }

    /// <summary>The agent who wrote a reply or note.</summary>
    public string? Author { get; set; }
    public long At { get; set; }
    public long? Position { get; set; }
    public string? Intent { get; set; }
    public string? Sentiment { get; set; }

    /// <summary>JSON array of topic codes.</summary>
    public string? Topics { get; set; }

    /// <summary>The classifier version that decided.</summary>
    public string? Model { get; set; }

    /// <summary>A reply's send status (<c>sent</c>, …); null for inbound messages and notes.</summary>
    public string? Status { get; set; }
}

/// <summary>Who a conversation was given to, by whom and why: routed on arrival, assigned or taken over by a person.</summary>
internal sealed class AssignmentRow
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public string? From { get; set; }
    public string Assignee { get; set; } = "";
    public string? Team { get; set; }

    /// <summary><c>routed</c>, <c>assigned</c> or <c>taken-over</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>JSON array of the routing decision's reasons.</summary>
    public string Reasons { get; set; } = "[]";
    public string By { get; set; } = "";
    public long At { get; set; }
}

internal static class ConversationStatus
{
    public const string Open = "open";
    public const string Pending = "pending";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyList<string> All = [Open, Pending, Resolved];
}

internal static class MessageDirections
{
    public const string In = "in";
    public const string Out = "out";
    public const string Note = "note";
}

/// <summary>What an agent, team lead or manager is told: a service-level warning or escalation, a low satisfaction score.</summary>
internal sealed class NotificationRow
{
    public long Id { get; set; }
    public string Recipient { get; set; } = "";

    /// <summary><c>sla-warning</c>, <c>sla-breach</c>, <c>sla-escalation</c> or <c>low-csat</c>.</summary>
    public string Kind { get; set; } = "";
    public long? ConversationId { get; set; }

    /// <summary>Unique: a repeated step or retry notifies once.</summary>
    public string DedupKey { get; set; } = "";
    public string Text { get; set; } = "";
    public long CreatedAt { get; set; }
}

/// <summary>A satisfaction survey sent after a conversation was resolved, and the customer's answer.</summary>
internal sealed class SurveyRow
{
    public long Id { get; set; }
    public long ConversationId { get; set; }

    /// <summary>Unique per resolution: <c>{conversation}:{version when resolved}</c>, so one resolution is surveyed once.</summary>
    public string Key { get; set; } = "";

    /// <summary>Who answered the conversation, its channel and intent when it was resolved (the report's dimensions).</summary>
    public string? Agent { get; set; }
    public string? Team { get; set; }
    public string Channel { get; set; } = "";
    public string? Intent { get; set; }

    /// <summary><c>sending</c>, <c>sent</c> (awaiting the answer), <c>failed</c>, <c>answered</c> or <c>unanswered</c> (the customer wrote something else).</summary>
    public string Status { get; set; } = "";
    public long? MessageId { get; set; }
    public long? SentAt { get; set; }

    /// <summary>1 (very unsatisfied) to 5 (very satisfied).</summary>
    public int? Score { get; set; }
    public string? Answer { get; set; }
    public long? AnsweredAt { get; set; }
}

/// <summary>A reply template: Liquid text with the customer, conversation, order and rep as variables.</summary>
internal sealed class ReplyTemplateRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>Only offered on this channel; any when null.</summary>
    public string? Channel { get; set; }
    public string By { get; set; } = "";
    public long UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A knowledge-base article: a solution agents can find, be offered for a conversation, and start a reply from.</summary>
internal sealed class ArticleRow
{
    public long Id { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>JSON array of tags (free words, or intent and topic codes such as <c>complaint</c>, <c>delivery</c>).</summary>
    public string Tags { get; set; } = "[]";

    /// <summary>JSON array of the channels it suits; empty: every channel.</summary>
    public string Channels { get; set; } = "[]";
    public bool Active { get; set; } = true;

    /// <summary>How many reply drafts started from it.</summary>
    public int Uses { get; set; }
    public string By { get; set; } = "";
    public long UpdatedAt { get; set; }
    public int Version { get; set; }
}
