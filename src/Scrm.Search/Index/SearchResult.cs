namespace Scrm.Search;

/// <summary>One page of hits, the size of the whole hit set, and its facets.</summary>
/// <param name="Total">Hits matching the query.</param>
/// <param name="TotalIsExact">False when <paramref name="Total"/> is a lower bound (the engine stopped counting).</param>
/// <param name="Next">Where the next page starts; null on the last page.</param>
/// <param name="IsPartial">Some shards failed or timed out: hits and counts may be missing.</param>
internal sealed record SearchResult(
    IReadOnlyList<SearchHit> Hits,
    long Total,
    bool TotalIsExact,
    SearchFacets Facets,
    SearchAfter? Next,
    bool IsPartial,
    IReadOnlyList<string> PartialReasons);

/// <param name="Score">Relevance; null when the sort does not use it.</param>
internal sealed record SearchHit(SearchDocument Document, double? Score, Snippet Snippet, SearchAfter Position);

/// <summary>An excerpt of the document and the ranges in it that matched.</summary>
internal sealed record Snippet(string Text, IReadOnlyList<TextRange> Highlights)
{
    public static readonly Snippet Empty = new("", []);
}

internal readonly record struct TextRange(int Start, int Length);

/// <summary>Counts over the whole hit set. Days are calendar days in the configured facet time zone (<c>yyyy-MM-dd</c>).</summary>
internal sealed record SearchFacets(IReadOnlyList<FacetCount> Channel, IReadOnlyList<FacetCount> Type, IReadOnlyList<FacetCount> Day)
{
    public static readonly SearchFacets Empty = new([], [], []);
}

internal sealed record FacetCount(string Value, long Count);

/// <summary>What a bulk write did: documents written, and those the engine refused for good (with its reason).</summary>
internal sealed record IndexWriteResult(int Written, IReadOnlyList<RejectedDocument> Rejected)
{
    public static IndexWriteResult AllWritten(int count) => new(count, []);
}

internal sealed record RejectedDocument(string Id, string Reason);
