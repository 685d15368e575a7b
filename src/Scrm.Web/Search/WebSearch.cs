using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Scrm.Platform.Security;
using Scrm.Search;
using Scrm.Search.Api;

namespace Scrm.Web.Search;

/// <summary>What the global search box shows: the API's own answer, or why there is none.</summary>
internal sealed record WebSearchAnswer(SearchResponse? Response, string? Invalid, bool Unavailable);

/// <summary>
/// The global search box's search: the request is parsed by the search API's own parser, run on the
/// same index, and its hits shaped by the API's response builder with the one field-protection rule
/// (contacts masked for roles that see them masked, contact look-up only for roles that see them).
/// </summary>
internal sealed class WebSearch(ISearchIndex index, IOptions<SearchOptions> options, IOptions<ProtectionOptions> protection)
{
    public async Task<WebSearchAnswer> SearchAsync(string text, Caller caller, CancellationToken cancellationToken)
    {
        var parameters = new QueryCollection(new Dictionary<string, StringValues>(StringComparer.Ordinal) { ["q"] = text, ["size"] = "20", ["facets"] = "false" });
        var (request, errors) = SearchRequests.FromQueryString(parameters, options.Value.FacetOffset);
        if (request is null)
        {
            return new WebSearchAnswer(null, string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value)), false);
        }

        FieldAccess Access(string? owner) => FieldPolicy.Decide(caller, owner, protection.Value.UnmaskedRoles);
        // The caller's data scope is part of the query, as in the search API: hits, totals and facets hold only what they may see.
        var query = request.Query with { MatchContacts = Access(null).Unmasked, Filter = request.Query.Filter with { Scope = SearchScope.Of(caller) } };
        try
        {
            var result = await index.SearchAsync(query, cancellationToken);
            return new WebSearchAnswer(SearchResponses.From(result, null, Access), null, false);
        }
        catch (SearchUnavailableException)
        {
            return new WebSearchAnswer(null, null, true);
        }
    }
}
