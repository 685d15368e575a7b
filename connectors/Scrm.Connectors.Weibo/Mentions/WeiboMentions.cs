using System.Globalization;
using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;

namespace Scrm.Connectors.Weibo.Mentions;

/// <summary>The two feeds polled: posts that @-mention the account, and comments on its posts.</summary>
internal enum WeiboFeed
{
    Mentions,
    Comments,
}

/// <summary>Turns a Weibo status or comment into a mention for the journal.</summary>
internal static class WeiboMentions
{
    public const string Channel = "weibo";

    /// <summary>Weibo's <c>created_at</c>: <c>Tue May 31 17:46:55 +0800 2011</c>, English names whatever the culture.</summary>
    public const string CreatedAtFormat = "ddd MMM dd HH:mm:ss zzz yyyy";

    public static string FeedName(WeiboFeed feed) => feed == WeiboFeed.Mentions ? "mention" : "comment";

    public static DateTimeOffset? ParseCreatedAt(string? text) =>
        DateTimeOffset.TryParseExact(text, CreatedAtFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.ToUniversalTime() : null;

    /// <summary>The item, or null (with the reason) for an entry without an id, author, text or readable time.</summary>
    public static InboundItem? Map(string account, WeiboFeed feed, JsonElement post, out string? problem)
    {
        problem = null;
        var id = Text(post, "idstr") ?? Number(post, "id");
        var user = post.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
        var authorId = user.ValueKind == JsonValueKind.Object ? Text(user, "idstr") ?? Number(user, "id") : null;
        var text = Text(post, "text");
        var createdAt = ParseCreatedAt(Text(post, "created_at"));
        if (id is null || authorId is null || text is null || createdAt is null)
        {
            problem = "an entry lacks its id, author, text or a created_at in Weibo's format";
            return null;
        }

        var metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["feed"] = JsonElement.Parse(JsonSerializer.Serialize(FeedName(feed), InboundJson.Stored.String)) };
        if (feed == WeiboFeed.Comments && post.TryGetProperty("status", out var status) && (Text(status, "idstr") ?? Number(status, "id")) is { } statusId)
        {
            metadata["inReplyTo"] = JsonElement.Parse(JsonSerializer.Serialize(statusId, InboundJson.Stored.String));
        }

        var payload = new MentionPayload(
            Channel,
            id,
            new Person(authorId, user.ValueKind == JsonValueKind.Object ? Text(user, "screen_name") : null),
            text,
            $"https://weibo.com/{authorId}/{id}",
            createdAt.Value,
            metadata);
        return new InboundItem(InboundKind.Mention, Channel, account, $"{Channel}:{account}:{FeedName(feed)}:{id}", createdAt.Value,
            JsonSerializer.Serialize(payload, InboundJson.Stored.MentionPayload));
    }

    public static long IdOf(JsonElement post) =>
        post.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var value) ? value
        : long.TryParse(Text(post, "idstr"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static string? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null;
}
