using Scrm.Platform.Text;
using System.Text.Json;
using Scrm.Platform.Http;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;

namespace Scrm.Connectors.Web.Mentions;

/// <summary>
/// Turns the body of <c>POST /api/v1/mentions</c> (one mention or an array) into journal items.
/// <c>source</c>, <c>externalId</c> and <c>text</c> are required; a mention without an author is
/// anonymous, one without <c>createdAt</c> happened when it was received.
/// </summary>
internal static class MentionParser
{
    public const int MaxItems = 1_000;
    public const int MaxTextLength = 20_000;

    private static class Texts
    {
        public static readonly UserText Empty = new("至少要有一条提及", "must contain at least one mention");
        public static readonly UserText TooMany = new("最多 {0} 条提及", "must contain at most {0} mentions");
        public static readonly UserText Shape = new("必须是一条提及（对象）或提及的数组", "must be a mention object or an array of them");
        public static readonly UserText Source = new("只能包含字母、数字和 . _ : -", "may contain only letters, digits and . _ : -");
        public static readonly UserText Future = new("比现在晚了一天以上", "is more than a day in the future");
    }
    /// <summary>
    /// What a mention posted here is filed under as its account: the channel is the mention's own
    /// <c>source</c> (<c>weibo</c>, like a polled Weibo mention), so search facets, reports and
    /// attribution speak one channel vocabulary whichever way a mention arrived.
    /// </summary>
    public const string Account = "webhook";

    private static readonly HashSet<string> Fields = ["source", "externalId", "author", "text", "url", "createdAt", "metadata"];
    private static readonly HashSet<string> AuthorFields = ["id", "name"];

    /// <summary>Every item, or every error with its item's index; never some of each.</summary>
    public static (IReadOnlyList<InboundItem> Items, FieldErrors Errors) Parse(JsonElement root, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var items = new List<InboundItem>();
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                Add(root, "", now, items, errors);
                break;
            case JsonValueKind.Array when root.GetArrayLength() is 0:
                errors.Add("$", Texts.Empty);
                break;
            case JsonValueKind.Array when root.GetArrayLength() > MaxItems:
                errors.Add("$", Texts.TooMany, MaxItems);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var element in root.EnumerateArray())
                {
                    Add(element, $"[{index++}]", now, items, errors);
                }

                break;
            default:
                errors.Add("$", Texts.Shape);
                break;
        }

        return (errors.Any ? [] : items, errors);
    }

    private static void Add(JsonElement element, string path, DateTimeOffset now, List<InboundItem> items, FieldErrors errors)
    {
        var errorsBefore = errors.Count;
        if (JsonFields.Open(element, path, errors, Fields) is not { } fields)
        {
            return;
        }

        var source = fields.Text("source", 64, required: true);
        if (source is not null && !IsIdentifier(source))
        {
            errors.Add(Path(path, "source"), Texts.Source);
            source = null;
        }

        var externalId = fields.Text("externalId", 256, required: true);
        var author = fields.Child("author", AuthorFields);
        var authorId = author?.Text("id", 256, required: true);
        var authorName = author?.Text("name", 256);
        var text = fields.Text("text", MaxTextLength, required: true);
        var url = fields.Url("url");
        var createdAt = fields.Time("createdAt") ?? now;
        if (createdAt > now.AddDays(1))
        {
            errors.Add(Path(path, "createdAt"), Texts.Future);
        }

        var metadata = fields.Scalars("metadata", maxProperties: 32, maxStringLength: 1_000);
        if (source is null || externalId is null || text is null || errors.Count > errorsBefore)
        {
            return;
        }

        source = source.ToLowerInvariant();
        var payload = new MentionPayload(source, externalId, authorId is null ? null : new Person(authorId, authorName), text, url?.ToString(), createdAt, metadata);
        items.Add(new InboundItem(
            InboundKind.Mention,
            source,
            Account,
            $"{Account}:{source}:{externalId}",
            createdAt,
            JsonSerializer.Serialize(payload, InboundJson.Stored.MentionPayload)));
    }

    private static bool IsIdentifier(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Path(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
