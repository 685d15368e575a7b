using System.Text;
using System.Text.Json;
using Scrm.Search.Lucene;

namespace Scrm.Search.Elasticsearch;

/// <summary>Reads search responses into the port's types: hits, snippets, facets, totals and partial-result reasons.</summary>
internal static class EsResults
{
    public static SearchResult ToResult(EsSearchResponse response, SearchQuery query)
    {
        var sort = EsQueries.EffectiveSort(query);
        var raw = response.Hits?.Hits ?? [];
        var hits = new List<SearchHit>(Math.Min(raw.Count, query.Size));
        foreach (var hit in raw.Take(query.Size))
        {
            var document = Document(hit);
            var position = Position(hit, sort, document);
            hits.Add(new SearchHit(document, sort == SearchSort.Relevance ? hit.ScoreValue : null, Snippet(hit, document.Text), position));
        }

        var total = response.Hits?.Total;
        var reasons = PartialReasons(response);
        return new SearchResult(
            hits,
            total?.Value ?? hits.Count,
            total is { Relation: "eq" },
            query.Facets ? Facets(response.Aggregations) : SearchFacets.Empty,
            raw.Count > query.Size ? hits[^1].Position : null,
            reasons.Count > 0,
            reasons);
    }

    public static List<string> PartialReasons(EsSearchResponse response)
    {
        var reasons = new List<string>();
        if (response.TimedOut == true)
        {
            reasons.Add("timed_out: some shards did not answer in time");
        }

        if (response.Shards is { Failed: > 0 } shards)
        {
            foreach (var failure in shards.Failures ?? [])
            {
                reasons.Add($"shard {failure.Shard} of {failure.Index}: {failure.Reason}");
            }

            if (reasons.Count == 0 || shards.Failures is null)
            {
                reasons.Add($"{shards.Failed} of {shards.Total} shards failed");
            }
        }

        return reasons;
    }

    /// <summary>Facet buckets by aggregation name, whether or not the response was asked for <c>typed_keys</c>.</summary>
    public static Dictionary<string, List<FacetCount>> Buckets(Dictionary<string, JsonElement>? aggregations)
    {
        var result = new Dictionary<string, List<FacetCount>>(StringComparer.Ordinal);
        foreach (var (key, value) in aggregations ?? [])
        {
            var name = key.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? key[(hash + 1)..] : key;
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("buckets", out var buckets) || buckets.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            result[name] = buckets.EnumerateArray().Select(b => new FacetCount(
                b.Text("key_as_string") ?? (b.GetProperty("key").ValueKind == JsonValueKind.String ? b.GetProperty("key").GetString()! : b.GetProperty("key").GetRawText()),
                b.GetProperty("doc_count").GetInt64())).ToList();
        }

        return result;
    }

    private static SearchFacets Facets(Dictionary<string, JsonElement>? aggregations)
    {
        var buckets = Buckets(aggregations);
        return new SearchFacets(
            buckets.GetValueOrDefault("channel") ?? [],
            buckets.GetValueOrDefault("type") ?? [],
            buckets.GetValueOrDefault("day") ?? []);
    }

    private static SearchDocument Document(EsHit hit)
    {
        var s = hit.Source ?? default;
        return new SearchDocument(
            s.Text(EsFields.Id) ?? hit.Id ?? "",
            s.Text(EsFields.Type) ?? "",
            s.Text(EsFields.Channel) ?? "",
            s.Text(EsFields.Account) ?? "",
            s.Text(EsFields.AuthorId),
            s.Text(EsFields.AuthorName),
            s.Text(EsFields.Title),
            s.Text(EsFields.Text) ?? "",
            Created(s),
            s.Text(EsFields.Owner),
            Strings(s, EsFields.Tags))
        {
            Contacts = Strings(s, EsFields.Contacts),
        };
    }

    private static List<string> Strings(JsonElement source, string name) =>
        source.ValueKind == JsonValueKind.Object && source.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
            ? values.EnumerateArray().Select(t => t.GetString() ?? "").ToList()
            : [];

    private static DateTimeOffset Created(JsonElement source)
    {
        if (source.ValueKind != JsonValueKind.Object || !source.TryGetProperty(EsFields.CreatedAt, out var value))
        {
            return DateTimeOffset.UnixEpoch;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms),
            JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time) => time,
            _ => DateTimeOffset.UnixEpoch,
        };
    }

    private static SearchAfter Position(EsHit hit, SearchSort sort, SearchDocument document)
    {
        var values = hit.Sort ?? [];
        var offset = sort == SearchSort.Relevance ? 1 : 0;
        double? score = sort == SearchSort.Relevance && values.Count > 0 && values[0].ValueKind == JsonValueKind.Number ? values[0].GetDouble() : null;
        var created = values.Count > offset && values[offset].TryGetInt64(out var ms) ? ms : document.CreatedAt.ToUnixTimeMilliseconds();
        var id = values.Count > offset + 1 ? values[offset + 1].GetString() ?? document.Id : document.Id;
        return new SearchAfter(score, created, id);
    }

    private static Snippet Snippet(EsHit hit, string text)
    {
        var fragment = hit.Highlight?.Values.SelectMany(f => f).FirstOrDefault(f => f.Contains(EsQueries.MarkStart, StringComparison.Ordinal))
            ?? hit.Highlight?.Values.SelectMany(f => f).FirstOrDefault();
        return fragment is null ? Snippets.Cut(text, []) : Unmark(fragment);
    }

    /// <summary>Strips the highlight markers, keeping where they were as ranges; adjacent ranges merge.</summary>
    public static Snippet Unmark(string fragment)
    {
        var text = new StringBuilder(fragment.Length);
        var ranges = new List<TextRange>();
        var start = -1;
        foreach (var c in fragment)
        {
            if (c == EsQueries.MarkStart[0])
            {
                start = text.Length;
            }
            else if (c == EsQueries.MarkEnd[0] && start >= 0)
            {
                if (ranges.Count > 0 && ranges[^1].Start + ranges[^1].Length >= start)
                {
                    ranges[^1] = ranges[^1] with { Length = text.Length - ranges[^1].Start };
                }
                else
                {
                    ranges.Add(new TextRange(start, text.Length - start));
                }

                start = -1;
            }
            else
            {
                text.Append(c);
            }
        }

        return new Snippet(text.ToString(), ranges);
    }
}
