using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// Search and count bodies. User words go only into <c>match_phrase</c> queries as plain strings,
/// never into <c>query_string</c>: nothing a user types is parsed as Elasticsearch syntax.
/// </summary>
internal static class EsQueries
{
    public const string MarkStart = "\uE000";
    public const string MarkEnd = "\uE001";
    public const int FacetChannels = 50;

    /// <summary>The query part, or null when the text can match nothing (only punctuation).</summary>
    public static JsonObject? Query(string? text, SearchFilter filter, bool matchContacts)
    {
        var clauses = QueryText.Parse(text).Where(c => c.Text.Any(char.IsLetterOrDigit)).ToList();
        if (!string.IsNullOrWhiteSpace(text) && clauses.Count == 0)
        {
            return null;
        }

        if (!matchContacts)
        {
            if (clauses.Any(c => c.Contact is not null && !c.Exclude))
            {
                return null;
            }

            clauses.RemoveAll(c => c.Contact is not null);
        }

        var must = new JsonArray();
        var mustNot = new JsonArray();
        foreach (var clause in clauses)
        {
            if (clause.Contact is { } contact)
            {
                (clause.Exclude ? mustNot : must).Add(new JsonObject { ["term"] = new JsonObject { [EsFields.Contacts] = contact } });
                continue;
            }

            var single = Cjk.HasLoneCharacter(clause.Text);
            var suffix = single ? "." + EsIndexDefinition.SingleSubfield : "";
            var either = new JsonObject
            {
                ["bool"] = new JsonObject
                {
                    ["should"] = new JsonArray(
                        Phrase(EsFields.Text + suffix, clause.Text, null),
                        Phrase(EsFields.Title + suffix, clause.Text, 2),
                        Phrase(EsFields.AuthorName + suffix, clause.Text, 2)),
                    ["minimum_should_match"] = 1,
                },
            };
            (clause.Exclude ? mustNot : must).Add(either);
        }

        var filters = new JsonArray();
        Terms(filters, EsFields.Type, filter.Types);
        Terms(filters, EsFields.Channel, filter.Channels);
        Terms(filters, EsFields.Account, filter.Accounts);
        Terms(filters, EsFields.AuthorId, filter.Authors);
        Terms(filters, EsFields.Owner, filter.Owners);
        Terms(filters, EsFields.Tags, filter.AnyTags);
        foreach (var tag in filter.Tags)
        {
            filters.Add(new JsonObject { ["term"] = new JsonObject { [EsFields.Tags] = tag } });
        }

        if (filter.NotTags.Count > 0)
        {
            Terms(mustNot, EsFields.Tags, filter.NotTags);
        }

        foreach (var (types, owners) in filter.Scope.Limits())
        {
            mustNot.Add(OutOfScope(types, owners));
        }

        if (filter.From is not null || filter.To is not null)
        {
            var range = new JsonObject();
            if (filter.From is { } from)
            {
                range["gte"] = from.ToUnixTimeMilliseconds();
            }

            if (filter.To is { } to)
            {
                range["lt"] = to.ToUnixTimeMilliseconds();
            }

            filters.Add(new JsonObject { ["range"] = new JsonObject { [EsFields.CreatedAt] = range } });
        }

        if (must.Count == 0 && filters.Count == 0 && mustNot.Count == 0)
        {
            return new JsonObject { ["match_all"] = new JsonObject() };
        }

        var boolean = new JsonObject();
        if (must.Count > 0)
        {
            boolean["must"] = must;
        }

        if (filters.Count > 0)
        {
            boolean["filter"] = filters;
        }

        if (mustNot.Count > 0)
        {
            boolean["must_not"] = mustNot;
        }

        return new JsonObject { ["bool"] = boolean };
    }

    /// <summary>Relevance needs words to be relevant to; without any it lists newest first, like the embedded engine.</summary>
    public static SearchSort EffectiveSort(SearchQuery query) =>
        query.Sort == SearchSort.Relevance && !QueryText.Parse(query.Text).Any(c => !c.Exclude && c.Text.Any(char.IsLetterOrDigit))
            ? SearchSort.Newest
            : query.Sort;

    public static JsonObject Search(SearchQuery query, JsonObject match, int trackTotalHitsUpTo, TimeSpan facetOffset)
    {
        var sort = EffectiveSort(query);
        var body = new JsonObject
        {
            ["query"] = match.DeepClone(),
            ["size"] = query.Size + 1,
            ["track_total_hits"] = trackTotalHitsUpTo,
            ["sort"] = Sort(sort),
            ["highlight"] = new JsonObject
            {
                ["pre_tags"] = new JsonArray(MarkStart),
                ["post_tags"] = new JsonArray(MarkEnd),
                ["require_field_match"] = false,
                ["fields"] = new JsonObject
                {
                    [EsFields.Text] = Fragment(),
                    [EsFields.Text + "." + EsIndexDefinition.SingleSubfield] = Fragment(),
                },
            },
        };
        if (query.After is { } after)
        {
            var values = new JsonArray();
            if (sort == SearchSort.Relevance)
            {
                values.Add(after.Score ?? 0);
            }

            values.Add(after.CreatedAtMs);
            values.Add(after.Id);
            body["search_after"] = values;
        }

        if (query.Facets)
        {
            body["aggs"] = new JsonObject
            {
                ["channel"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = EsFields.Channel, ["size"] = FacetChannels } },
                ["type"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = EsFields.Type, ["size"] = DocumentTypes.All.Count } },
                ["day"] = new JsonObject
                {
                    ["date_histogram"] = new JsonObject
                    {
                        ["field"] = EsFields.CreatedAt,
                        ["calendar_interval"] = "day",
                        ["time_zone"] = (facetOffset < TimeSpan.Zero ? "-" : "+") + facetOffset.ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture),
                        ["format"] = "yyyy-MM-dd",
                        ["min_doc_count"] = 1,
                    },
                },
            };
        }

        return body;
    }

    public static JsonObject Count(JsonObject match) => new() { ["query"] = match.DeepClone() };

    public static byte[] Serialize(JsonNode body) => JsonSerializer.SerializeToUtf8Bytes(body, EsJson.Options);

    private static JsonArray Sort(SearchSort sort)
    {
        var order = sort == SearchSort.Oldest ? "asc" : "desc";
        var fields = new JsonArray();
        if (sort == SearchSort.Relevance)
        {
            fields.Add(new JsonObject { ["_score"] = new JsonObject { ["order"] = "desc" } });
        }

        fields.Add(new JsonObject { [EsFields.CreatedAt] = new JsonObject { ["order"] = order } });
        fields.Add(new JsonObject { [EsFields.Id] = new JsonObject { ["order"] = "asc" } });
        return fields;
    }

    private static JsonObject Phrase(string field, string text, double? boost)
    {
        var inner = new JsonObject { ["query"] = text };
        if (boost is not null)
        {
            inner["boost"] = boost;
        }

        return new JsonObject { ["match_phrase"] = new JsonObject { [field] = inner } };
    }

    private static JsonObject Fragment() => new()
    {
        ["number_of_fragments"] = 1,
        ["fragment_size"] = 160,
        ["no_match_size"] = 160,
    };

    /// <summary>Documents of <paramref name="types"/> that have an owner outside <paramref name="owners"/> (the caller's data scope).</summary>
    private static JsonObject OutOfScope(IReadOnlyList<string> types, IReadOnlySet<string> owners)
    {
        var filters = new JsonArray();
        Terms(filters, EsFields.Type, types);
        filters.Add(new JsonObject { ["exists"] = new JsonObject { ["field"] = EsFields.Owner } });
        var boolean = new JsonObject { ["filter"] = filters };
        if (owners.Count > 0)
        {
            var inScope = new JsonArray();
            Terms(inScope, EsFields.Owner, [.. owners.Order(StringComparer.Ordinal)]);
            boolean["must_not"] = inScope;
        }

        return new JsonObject { ["bool"] = boolean };
    }

    private static void Terms(JsonArray into, string field, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            into.Add(new JsonObject { ["terms"] = new JsonObject { [field] = new JsonArray([.. values.Select(v => (JsonNode)v)]) } });
        }
    }
}
