using System.Text;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Scrm.Search.Lucene;

namespace Scrm.Search.Elasticsearch;

/// <summary>The client's search responses in the port's types: hits, snippets, facets, totals and partial-result reasons.</summary>
internal static class ClientResults
{
    public static SearchResult ToResult(SearchResponse<EsDocument> response, SearchQuery query)
    {
        var sort = ClientQueries.EffectiveSort(query);
        var raw = response.HitsMetadata?.Hits ?? [];
        var hits = new List<SearchHit>(Math.Min(raw.Count, query.Size));
        foreach (var hit in raw.Take(query.Size))
        {
            var document = hit.Source?.ToSearchDocument() ?? throw new InvalidOperationException($"Elasticsearch returned hit {hit.Id} without its source.");
            hits.Add(new SearchHit(document, sort == SearchSort.Relevance ? hit.Score : null, Snippet(hit, document.Text), Position(hit, sort, document)));
        }

        var (total, exact) = Total(response.HitsMetadata?.Total, hits.Count);
        var reasons = PartialReasons(response.TimedOut, response.Shards);
        return new SearchResult(
            hits,
            total,
            exact,
            query.Facets ? Facets(response.Aggregations) : SearchFacets.Empty,
            raw.Count > query.Size ? hits[^1].Position : null,
            reasons.Count > 0,
            reasons);
    }

    public static List<string> PartialReasons(bool timedOut, ShardStatistics? shards)
    {
        var reasons = new List<string>();
        if (timedOut)
        {
            reasons.Add("timed_out: some shards did not answer in time");
        }

        if (shards is { Failed: > 0 })
        {
            foreach (var failure in shards.Failures ?? [])
            {
                reasons.Add($"shard {failure.Shard} of {failure.Index}: {Describe(failure.Reason)}");
            }

            if (reasons.Count == 0 || shards.Failures is null)
            {
                reasons.Add($"{shards.Failed} of {shards.Total} shards failed");
            }
        }

        return reasons;
    }

    public static string Describe(ErrorCause? error) => Describe(error?.Type, error?.Reason);

    public static string Describe(Elastic.Transport.Products.Elasticsearch.Error? error) => Describe(error?.Type, error?.Reason);

    private static string Describe(string? type, string? reason) =>
        type is null ? reason ?? "unknown error" : $"{type}: {reason ?? type}";

    /// <summary>Facet buckets by aggregation name (the client reads the <c>typed_keys</c> names into typed aggregates).</summary>
    public static SearchFacets Facets(AggregateDictionary? aggregations) => new(
        Terms(aggregations?.GetStringTerms("channel")),
        Terms(aggregations?.GetStringTerms("type")),
        aggregations?.GetDateHistogram("day")?.Buckets?.Select(b => new FacetCount(b.KeyAsString ?? b.Key.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), b.DocCount)).ToList() ?? []);

    private static List<FacetCount> Terms(StringTermsAggregate? terms) =>
        terms?.Buckets?.Select(b => new FacetCount(Text(b.Key) ?? "", b.DocCount)).ToList() ?? [];

    private static (long Total, bool Exact) Total(Union<TotalHits, long>? total, int count)
    {
        if (total is null)
        {
            return (count, false);
        }

        return total.Match(t => t is null ? (count, false) : (t.Value, t.Relation == TotalHitsRelation.Eq), n => (n, true));
    }

    private static SearchAfter Position(Hit<EsDocument> hit, SearchSort sort, SearchDocument document)
    {
        var values = hit.Sort?.ToList() ?? [];
        var offset = sort == SearchSort.Relevance ? 1 : 0;
        double? score = sort == SearchSort.Relevance && values.Count > 0 ? Number(values[0]) : null;
        var created = values.Count > offset && values[offset].TryGetLong(out var ms) ? ms!.Value : document.CreatedAt.ToUnixTimeMilliseconds();
        var id = values.Count > offset + 1 ? Text(values[offset + 1]) ?? document.Id : document.Id;
        return new SearchAfter(score, created, id);
    }

    private static double? Number(FieldValue value) =>
        value.TryGetDouble(out var d) ? d : value.TryGetLong(out var l) ? l : null;

    private static string? Text(FieldValue value) =>
        value.TryGetString(out var s) ? s : value.TryGetLong(out var l) ? l!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : value.TryGetBool(out var b) ? (b!.Value ? "true" : "false") : null;

    private static Snippet Snippet(Hit<EsDocument> hit, string text)
    {
        var fragments = hit.Highlight?.Values.SelectMany(f => f).ToList() ?? [];
        var fragment = fragments.FirstOrDefault(f => f.Contains(ClientQueries.MarkStart, StringComparison.Ordinal)) ?? fragments.FirstOrDefault();
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
            if (c == ClientQueries.MarkStart[0])
            {
                start = text.Length;
            }
            else if (c == ClientQueries.MarkEnd[0] && start >= 0)
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
