using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Scrm.Search;

/// <summary><c>Scrm:Search</c>: which engine holds the index, and what every engine shares.</summary>
internal sealed class SearchOptions : IValidatableObject
{
    public const string Section = "Scrm:Search";

    public SearchProvider Provider { get; set; } = SearchProvider.Lucene;

    /// <summary>UTC offset of the calendar days the day facet counts (<c>+08:00</c>: China Standard Time).</summary>
    public string FacetUtcOffset { get; set; } = "+08:00";

    /// <summary>
    /// Base64 key (32 bytes or more) that signs paging cursors. Give every replica the same key;
    /// without one a key is created in the data directory.
    /// </summary>
    public string? CursorKey { get; set; }

    /// <summary>How many documents the indexer writes per bulk request when catching up or rebuilding.</summary>
    [Range(1, 50_000)]
    public int BatchSize { get; set; } = 2_000;

    /// <summary>How often the index reads what changed in other modules' records (customers, lead owners).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FeedInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after a record's change stamp it is read: writes still committing with an earlier
    /// stamp are not skipped. Searches see customer changes this much later.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan FeedSettleTime { get; set; } = TimeSpan.FromSeconds(3);

    internal TimeSpan FacetOffset => ParseOffset(FacetUtcOffset) ?? TimeSpan.Zero;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ParseOffset(FacetUtcOffset) is null)
        {
            yield return new ValidationResult("Scrm:Search:FacetUtcOffset must look like +08:00 or -05:30.", [nameof(FacetUtcOffset)]);
        }

        if (CursorKey is not null && !IsKey(CursorKey))
        {
            yield return new ValidationResult("Scrm:Search:CursorKey must be base64 of at least 32 bytes.", [nameof(CursorKey)]);
        }
    }

    private static bool IsKey(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var length) && length >= 32;
    }

    private static TimeSpan? ParseOffset(string text) =>
        text.Length == 6 && text[0] is '+' or '-'
            && TimeSpan.TryParseExact(text[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var offset) && offset <= TimeSpan.FromHours(14)
            ? (text[0] == '-' ? -offset : offset)
            : null;
}

internal enum SearchProvider
{
    /// <summary>Embedded Lucene.NET index in the data directory.</summary>
    Lucene,

    /// <summary>An Elasticsearch 8/9 cluster over its REST API.</summary>
    Elasticsearch,
}
