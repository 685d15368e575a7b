using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Scrm.Platform.Security;
using Scrm.Search.Protection;

namespace Scrm.Search.Api;

/// <summary>The answer to a search.</summary>
/// <param name="Next">Pass as <c>cursor</c> for the next page; null on the last page.</param>
/// <param name="Partial">True when the engine answered from only some of its shards; <paramref name="PartialReasons"/> says why.</param>
internal sealed record SearchResponse(
    IReadOnlyList<HitView> Hits,
    TotalView Total,
    FacetsView Facets,
    string? Next,
    bool Partial,
    IReadOnlyList<string> PartialReasons);

/// <param name="Snippet">The excerpt as HTML: text escaped, matches in <c>&lt;em&gt;</c>.</param>
/// <param name="SnippetText">The same excerpt as plain text; <paramref name="Highlights"/> index into it.</param>
/// <param name="Contacts">Phone numbers and e-mail addresses, masked for roles that may not see them (the customer view's rule).</param>
internal sealed record HitView(
    string Id,
    string Type,
    string Channel,
    string Account,
    AuthorView? Author,
    string? Title,
    string Snippet,
    string SnippetText,
    IReadOnlyList<TextRange> Highlights,
    DateTimeOffset CreatedAt,
    double? Score,
    string? Owner,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Contacts);

internal sealed record AuthorView(string? Id, string? Name);

/// <param name="Relation"><c>eq</c> when <paramref name="Value"/> is exact, <c>gte</c> when it is a lower bound.</param>
internal sealed record TotalView(long Value, string Relation);

internal sealed record FacetsView(IReadOnlyList<FacetCount> Channel, IReadOnlyList<FacetCount> Type, IReadOnlyList<FacetCount> Day);

internal static class SearchResponses
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <param name="access">How the caller may see a hit's protected fields, given its owner.</param>
    public static SearchResponse From(SearchResult result, string? next, Func<string?, FieldAccess> access) => new(
        result.Hits.Select(h => Hit(h, access(h.Document.Owner))).ToList(),
        new TotalView(result.Total, result.TotalIsExact ? "eq" : "gte"),
        new FacetsView(result.Facets.Channel, result.Facets.Type, result.Facets.Day),
        next,
        result.IsPartial,
        result.PartialReasons);

    private static HitView Hit(SearchHit hit, FieldAccess access)
    {
        var d = hit.Document;
        return new HitView(
            d.Id,
            d.Type,
            d.Channel,
            d.Account,
            d.AuthorId is null && d.AuthorName is null ? null : new AuthorView(d.AuthorId, d.AuthorName),
            d.Title,
            ToHtml(hit.Snippet),
            hit.Snippet.Text,
            hit.Snippet.Highlights,
            d.CreatedAt,
            hit.Score,
            d.Owner,
            d.Tags,
            access.Unmasked ? d.Contacts : [.. d.Contacts.Select(DocumentProtection.Mask)]);
    }

    /// <summary>Escapes everything, then marks the highlights: stored text is never rendered as markup.</summary>
    public static string ToHtml(Snippet snippet)
    {
        var html = new StringBuilder(snippet.Text.Length + 32);
        var at = 0;
        foreach (var h in snippet.Highlights)
        {
            if (h.Start < at || h.Start + h.Length > snippet.Text.Length)
            {
                continue;
            }

            html.Append(Html.Encode(snippet.Text[at..h.Start]))
                .Append("<em>").Append(Html.Encode(snippet.Text.Substring(h.Start, h.Length))).Append("</em>");
            at = h.Start + h.Length;
        }

        return html.Append(Html.Encode(snippet.Text[at..])).ToString();
    }
}
