using Scrm.Community.Storage;

namespace Scrm.Community.Conversations;

/// <summary>How a conversation's status, due time and inbox order move. Pure: the caller stores the row.</summary>
internal static class ConversationRules
{
    /// <summary>After the due times of every waiting conversation: those nobody waits on, most recently active first.</summary>
    private const long Idle = 4_000_000_000_000_000L;

    /// <summary>
    /// A customer's message arrived: a pending or resolved conversation opens again and owes a first
    /// response from this message; one already open keeps the due time of the message that waits longest,
    /// unless this one is more urgent (a complaint after a question).
    /// </summary>
    public static void OnInbound(ConversationRow c, long at, string? intent, string? sentiment, string? preview, long? due, string? sourceKey = null)
    {
        var waiting = c.Status == ConversationStatus.Open && c.DueAt is not null;
        c.Status = ConversationStatus.Open;
        c.ResolvedAt = null;
        c.DueAt = waiting ? Math.Min(c.DueAt!.Value, due ?? long.MaxValue) : due;
        c.WaitingKey = waiting ? c.WaitingKey : c.DueAt is null ? null : sourceKey;
        if (intent is not null)
        {
            c.Intent = intent;
            c.Sentiment = sentiment;
        }

        c.LastInboundAt = Math.Max(c.LastInboundAt, at);
        c.LastMessageAt = Math.Max(c.LastMessageAt, at);
        c.Preview = preview ?? c.Preview;
        c.Messages++;
        c.Urgency = Urgency(c);
    }

    /// <summary>A reply went out: the customer's turn now (pending), nothing owed until they write again.</summary>
    public static void OnReply(ConversationRow c, long at, string? preview)
    {
        c.Status = ConversationStatus.Pending;
        c.DueAt = null;
        c.WaitingKey = null;
        c.LastMessageAt = Math.Max(c.LastMessageAt, at);
        c.Preview = preview ?? c.Preview;
        c.Messages++;
        c.Urgency = Urgency(c);
    }

    /// <summary>The order key: the due time while a response is owed, otherwise after all of those, the most recent first.</summary>
    public static long Urgency(ConversationRow c) =>
        c.DueAt is { } due && c.Status == ConversationStatus.Open ? due : Idle - c.LastMessageAt + (c.Status == ConversationStatus.Resolved ? Idle : 0);

    public static string? Preview(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= 200 ? text : text[..200] + "…";
}
