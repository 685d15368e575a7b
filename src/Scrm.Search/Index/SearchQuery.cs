namespace Scrm.Search;

/// <summary>
/// A search: plain words and quoted phrases (never engine syntax), structured filters, a sort and a
/// page. Every word or phrase must match; a leading <c>-</c> excludes it.
/// </summary>
internal sealed record SearchQuery
{
    public const int MaxSize = 100;

    /// <summary>What the user typed; null or blank lists everything the filter allows.</summary>
    public string? Text { get; init; }

    public SearchFilter Filter { get; init; } = SearchFilter.None;

    public SearchSort Sort { get; init; } = SearchSort.Relevance;

    /// <summary>Hits per page, 1 to <see cref="MaxSize"/>.</summary>
    public int Size { get; init; } = 20;

    /// <summary>Continue after this hit of the previous page (<c>search_after</c>).</summary>
    public SearchAfter? After { get; init; }

    /// <summary>Count the whole hit set by channel, type and day.</summary>
    public bool Facets { get; init; } = true;

    /// <summary>
    /// Phone numbers and e-mail addresses in <see cref="Text"/> are looked up among the documents'
    /// protected contacts: only for callers allowed to see contacts (false: such a query finds nothing).
    /// </summary>
    public bool MatchContacts { get; init; }
}

/// <summary>Structured conditions, all of which must hold; an empty list places no condition.</summary>
internal sealed record SearchFilter
{
    public static readonly SearchFilter None = new();

    public IReadOnlyList<string> Types { get; init; } = [];

    public IReadOnlyList<string> Channels { get; init; } = [];

    public IReadOnlyList<string> Accounts { get; init; } = [];

    public IReadOnlyList<string> Authors { get; init; } = [];

    public IReadOnlyList<string> Owners { get; init; } = [];

    /// <summary>Documents carrying every one of these tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Documents carrying at least one of these tags.</summary>
    public IReadOnlyList<string> AnyTags { get; init; } = [];

    /// <summary>Documents carrying none of these tags.</summary>
    public IReadOnlyList<string> NotTags { get; init; } = [];

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Whose documents the caller may see (their data scope); <see cref="SearchScope.All"/> places no condition.</summary>
    public SearchScope Scope { get; init; } = SearchScope.All;
}

internal enum SearchSort
{
    /// <summary>Best match first, then newest; without query text the same as <see cref="Newest"/>.</summary>
    Relevance,
    Newest,
    Oldest,
}

/// <summary>
/// Where a hit sits in its sort: the score (relevance sort only), the creation time and the id,
/// which makes the order total and stable across refreshes.
/// </summary>
internal sealed record SearchAfter(double? Score, long CreatedAtMs, string Id)
{
    /// <summary>
    /// The engine's snapshot the following pages read (an Elasticsearch point in time), if it keeps one;
    /// opaque, and only an optimisation: the position alone is enough to go on.
    /// </summary>
    public string? PointInTime { get; init; }
}
