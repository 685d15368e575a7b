namespace Scrm.Ingestion;

/// <summary>What a connector hands to the journal: one normalised thing that happened on a channel.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Channel">Where it came from: <c>webhook</c>, <c>web</c>, <c>wechat</c>, <c>wecom</c>, <c>weibo</c>, <c>crawler</c>.</param>
/// <param name="Account">The channel account, form or source system it arrived through.</param>
/// <param name="IdempotencyKey">Stable across redeliveries: channel + account + the channel's own id.</param>
/// <param name="OccurredAt">When it happened on the channel.</param>
/// <param name="Payload">The kind's payload record as JSON (see <see cref="Inbound.InboundJson"/>).</param>
public sealed record InboundItem(
    InboundKind Kind,
    string Channel,
    string Account,
    string IdempotencyKey,
    DateTimeOffset OccurredAt,
    string Payload)
{
    /// <summary>
    /// When set, <see cref="IdempotencyKey"/> names the content rather than a delivery: a repeat
    /// within this window of the last accepted item is a duplicate, a repeat after it is new.
    /// </summary>
    public TimeSpan? DuplicateWindow { get; init; }
}

public enum InboundKind
{
    Mention,
    Lead,
    Message,
    ContactEvent,
}

public static class InboundKinds
{
    public static string ToWire(this InboundKind kind) => kind switch
    {
        InboundKind.Mention => "mention",
        InboundKind.Lead => "lead",
        InboundKind.Message => "message",
        InboundKind.ContactEvent => "contact_event",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static InboundKind FromWire(string kind) => kind switch
    {
        "mention" => InboundKind.Mention,
        "lead" => InboundKind.Lead,
        "message" => InboundKind.Message,
        "contact_event" => InboundKind.ContactEvent,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
