using System.Text.Json.Nodes;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// The index: CJK analysis matching the embedded engine (standard tokenizer, <c>cjk_width</c>,
/// lower case, <c>cjk_bigram</c>, Porter stemming; a <c>.single</c> subfield without pairs for one-character
/// queries), strict mapping, and the document as the adapter writes it.
/// </summary>
internal static class EsIndexDefinition
{
    public const string PairAnalyzer = "scrm_cjk";
    public const string SingleAnalyzer = "scrm_cjk_single";
    public const string SingleSubfield = "single";

    public static JsonObject CreateBody(ElasticsearchOptions options, string? writeAlias) => new()
    {
        ["settings"] = new JsonObject
        {
            ["number_of_shards"] = options.Shards,
            ["number_of_replicas"] = options.Replicas,
            ["refresh_interval"] = "1s",
            ["analysis"] = new JsonObject
            {
                ["analyzer"] = new JsonObject
                {
                    [PairAnalyzer] = Analyzer("cjk_width", "lowercase", "cjk_bigram", "porter_stem"),
                    [SingleAnalyzer] = Analyzer("cjk_width", "lowercase", "porter_stem"),
                },
            },
        },
        ["mappings"] = new JsonObject
        {
            ["dynamic"] = "strict",
            ["properties"] = new JsonObject
            {
                [EsFields.Id] = Keyword(),
                [EsFields.Type] = Keyword(),
                [EsFields.Channel] = Keyword(),
                [EsFields.Account] = Keyword(),
                [EsFields.AuthorId] = Keyword(),
                [EsFields.AuthorName] = Text(),
                [EsFields.Contacts] = Keyword(),
                [EsFields.Owner] = Keyword(),
                [EsFields.Tags] = Keyword(),
                [EsFields.CreatedAt] = new JsonObject { ["type"] = "date", ["format"] = "epoch_millis" },
                [EsFields.Title] = Text(),
                [EsFields.Text] = Text(),
            },
        },
        ["aliases"] = writeAlias is null ? new JsonObject() : new JsonObject { [writeAlias] = new JsonObject { ["is_write_index"] = true } },
    };

    /// <summary>The index that keeps each feed's mark: one document per feed, nothing searchable.</summary>
    public static JsonObject MarksBody() => new()
    {
        ["settings"] = new JsonObject { ["number_of_shards"] = 1 },
        ["mappings"] = new JsonObject
        {
            ["dynamic"] = "strict",
            ["properties"] = new JsonObject { ["mark"] = new JsonObject { ["type"] = "keyword", ["index"] = false, ["doc_values"] = false } },
        },
    };

    private static JsonObject Analyzer(params string[] filters) => new()
    {
        ["type"] = "custom",
        ["tokenizer"] = "standard",
        ["filter"] = new JsonArray([.. filters.Select(f => (JsonNode)f)]),
    };

    private static JsonObject Keyword() => new() { ["type"] = "keyword" };

    private static JsonObject Text() => new()
    {
        ["type"] = "text",
        ["analyzer"] = PairAnalyzer,
        ["fields"] = new JsonObject { [SingleSubfield] = new JsonObject { ["type"] = "text", ["analyzer"] = SingleAnalyzer } },
    };
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

    public static JsonObject Source(SearchDocument d)
    {
        var source = new JsonObject
        {
            [Id] = d.Id,
            [Type] = d.Type,
            [Channel] = d.Channel,
            [Account] = d.Account,
            [CreatedAt] = d.CreatedAt.ToUnixTimeMilliseconds(),
            [Text] = d.Text,
        };
        Add(source, AuthorId, d.AuthorId);
        Add(source, AuthorName, d.AuthorName);
        Add(source, Owner, d.Owner);
        Add(source, Title, d.Title);
        if (d.Tags.Count > 0)
        {
            source[Tags] = new JsonArray([.. d.Tags.Select(t => (JsonNode)t)]);
        }

        if (d.Contacts.Count > 0)
        {
            source[Contacts] = new JsonArray([.. d.Contacts.Select(t => (JsonNode)t)]);
        }

        return source;
    }

    private static void Add(JsonObject source, string name, string? value)
    {
        if (value is not null)
        {
            source[name] = value;
        }
    }
}
