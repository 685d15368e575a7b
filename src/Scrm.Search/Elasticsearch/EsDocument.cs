using System.Text.Json.Serialization;

namespace Scrm.Search.Elasticsearch;

/// <summary>A search document as it is stored in the index's <c>_source</c> (field names as in <see cref="EsFields"/>).</summary>
internal sealed record EsDocument(
    [property: JsonPropertyName(EsFields.Id)] string Id,
    [property: JsonPropertyName(EsFields.Type)] string Type,
    [property: JsonPropertyName(EsFields.Channel)] string Channel,
    [property: JsonPropertyName(EsFields.Account)] string Account,
    [property: JsonPropertyName(EsFields.CreatedAt)] long CreatedAt,
    [property: JsonPropertyName(EsFields.Text)] string Text)
{
    [JsonPropertyName(EsFields.AuthorId)]
    public string? AuthorId { get; init; }

    [JsonPropertyName(EsFields.AuthorName)]
    public string? AuthorName { get; init; }

    [JsonPropertyName(EsFields.Owner)]
    public string? Owner { get; init; }

    [JsonPropertyName(EsFields.Title)]
    public string? Title { get; init; }

    [JsonPropertyName(EsFields.Tags)]
    public IReadOnlyList<string>? Tags { get; init; }

    [JsonPropertyName(EsFields.Contacts)]
    public IReadOnlyList<string>? Contacts { get; init; }

    public static EsDocument From(SearchDocument d) => new(d.Id, d.Type, d.Channel, d.Account, d.CreatedAt.ToUnixTimeMilliseconds(), d.Text)
    {
        AuthorId = d.AuthorId,
        AuthorName = d.AuthorName,
        Owner = d.Owner,
        Title = d.Title,
        Tags = d.Tags.Count > 0 ? d.Tags : null,
        Contacts = d.Contacts.Count > 0 ? d.Contacts : null,
    };

    public SearchDocument ToSearchDocument() =>
        new(Id, Type, Channel, Account, AuthorId, AuthorName, Title, Text, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), Owner, [.. Tags ?? []])
        {
            Contacts = [.. Contacts ?? []],
        };

    /// <summary>
    /// An upper bound of the bytes the document takes in a bulk body (JSON escapes counted at their
    /// longest), so bodies can be cut to size before they are serialized.
    /// </summary>
    public static int EstimatedBytes(SearchDocument d)
    {
        var size = 512 + Bytes(d.Id) * 2 + Bytes(d.Type) + Bytes(d.Channel) + Bytes(d.Account) + Bytes(d.AuthorId) + Bytes(d.AuthorName) + Bytes(d.Owner)
            + Bytes(d.Title) + Bytes(d.Text);
        foreach (var value in d.Tags.Concat(d.Contacts))
        {
            size += Bytes(value) + 4;
        }

        return size;
    }

    private static int Bytes(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        var escapes = 0;
        foreach (var c in value)
        {
            if (c < 0x20 || c is '"' or '\\' or '\u2028' or '\u2029' || char.IsSurrogate(c))
            {
                escapes++;
            }
        }

        return System.Text.Encoding.UTF8.GetByteCount(value) + escapes * 6 + 16;
    }
}

/// <summary>Field names in the Elasticsearch document.</summary>
internal static class EsFields
{
    public const string Id = "id";
    public const string Type = "type";
    public const string Channel = "channel";
    public const string Account = "account";
    public const string AuthorId = "author_id";
    public const string AuthorName = "author_name";
    public const string Owner = "owner";
    public const string Tags = "tags";
    public const string CreatedAt = "created_at";
    public const string Title = "title";
    public const string Text = "text";
    public const string Contacts = "contacts";
}
