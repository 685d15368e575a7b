using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;

namespace Scrm.Community.Conversations;

/// <summary>A customer's message, comment or mention as a conversation receives it.</summary>
/// <param name="ThreadKey">The conversation it belongs to: <c>{channel}:{account}:{contact}</c>.</param>
/// <param name="InReplyTo">What it answers on the channel: the Weibo post a comment is on, the WeCom customer-service account (open_kfid) a kf message came to.</param>
internal sealed record InboundMessage(
    long Position,
    string SourceKey,
    string ThreadKey,
    string Channel,
    string Account,
    string Contact,
    string? ContactName,
    string Type,
    string? Text,
    string? ExternalId,
    string? InReplyTo,
    DateTimeOffset At);

/// <summary>Reads the journal items a conversation is made of: messages (WeChat, WeCom) and mentions with an author (Weibo comments and @-mentions).</summary>
internal static class InboundMessages
{
    public const int MaxText = 10_000;

    /// <summary>The metadata key under which the WeCom connector names the customer-service account (open_kfid) a message came to.</summary>
    public const string KfMetadata = "kf";

    public static InboundMessage? From(JournalEntry entry)
    {
        try
        {
            return entry.Kind switch
            {
                InboundKind.Message => FromMessage(entry, JsonSerializer.Deserialize(entry.Payload, InboundJson.Default.MessagePayload)),
                InboundKind.Mention => FromMention(entry, JsonSerializer.Deserialize(entry.Payload, InboundJson.Default.MentionPayload)),
                _ => null,
            };
        }
        catch (JsonException)
        {
            // The connector validated it; an unreadable payload is nobody's message.
            return null;
        }
    }

    private static InboundMessage? FromMessage(JournalEntry entry, MessagePayload? message)
    {
        if (message?.From is not { } from || !IsToken(from.Id) || !IsToken(entry.Account))
        {
            return null;
        }

        // A WeCom customer-service (kf) message is answered through the kf account it came to: that account is its thread on the channel.
        var kf = message.Metadata?.GetValueOrDefault(KfMetadata) is { } openKfId && IsToken(openKfId) ? openKfId : null;
        return new InboundMessage(entry.Position, entry.IdempotencyKey, ThreadKey(entry.Channel, entry.Account, from.Id), entry.Channel, entry.Account,
            from.Id, Clip(from.Name, 200), Clip(message.MessageType, 16) ?? "other", Clip(message.Text ?? message.Link?.Title, MaxText), Clip(message.MessageId, 200), kf, message.SentAt);
    }

    private static InboundMessage? FromMention(JournalEntry entry, MentionPayload? mention)
    {
        if (mention?.Author is not { } author || !IsToken(author.Id) || !IsToken(entry.Account))
        {
            return null;
        }

        var inReplyTo = mention.Metadata?.GetValueOrDefault("inReplyTo") is { ValueKind: JsonValueKind.String } status ? status.GetString() : null;
        var feed = mention.Metadata?.GetValueOrDefault("feed") is { ValueKind: JsonValueKind.String } f ? f.GetString() : null;
        return new InboundMessage(entry.Position, entry.IdempotencyKey, ThreadKey(entry.Channel, entry.Account, author.Id), entry.Channel, entry.Account,
            author.Id, Clip(author.Name, 200), feed == "comment" ? "comment" : "mention", Clip(mention.Text, MaxText), Clip(mention.ExternalId, 200), Clip(inReplyTo, 200), mention.CreatedAt);
    }

    public static string ThreadKey(string channel, string account, string contact) => $"{channel}:{account}:{contact}";

    /// <summary>Ids are opaque tokens: printable, no spaces, bounded.</summary>
    private static bool IsToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 128 && value.All(c => c > ' ' && !char.IsControl(c));

    private static string? Clip(string? text, int max) =>
        string.IsNullOrEmpty(text) ? null : text.Length <= max ? text : text[..max];
}
