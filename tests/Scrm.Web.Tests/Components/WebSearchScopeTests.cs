using Microsoft.Extensions.Options;
using Scrm.Platform.Security;
using Scrm.Search;
using Scrm.Web.Search;

namespace Scrm.Web.Tests.Components;

/// <summary>The global search box asks the index with the caller's data scope, as the search API does.</summary>
public sealed class WebSearchScopeTests
{
    [Fact]
    public async Task The_search_box_queries_within_the_callers_lead_and_customer_scopes()
    {
        var index = new RecordingIndex();
        var search = new WebSearch(index, Options.Create(new SearchOptions()), Options.Create(new ProtectionOptions()));
        var rep = new Caller("rep-a", new HashSet<string> { ScrmRoles.Sales },
            new Dictionary<string, OwnerScope> { [DataResources.Leads] = OwnerScope.Of(["rep-a"]), [DataResources.Customers] = OwnerScope.Of(["rep-a", "rep-b"]) },
            ChangeScope.All);

        await search.SearchAsync("报价", rep, TestContext.Current.CancellationToken);

        var scope = index.Queries.ShouldHaveSingleItem().Filter.Scope;
        scope.ShouldNotBeNull();
        scope.LeadOwners.ShouldBe(["rep-a"], ignoreOrder: true);
        scope.CustomerOwners.ShouldBe(["rep-a", "rep-b"], ignoreOrder: true);
    }

    /// <summary>Records what it is asked; answers nothing.</summary>
    private sealed class RecordingIndex : ISearchIndex
    {
        public List<SearchQuery> Queries { get; } = [];

        public Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            return Task.FromResult(new SearchResult([], 0, true, SearchFacets.Empty, null, false, []));
        }

        public Task<IndexWriteResult> AddAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IndexWriteResult> UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> CountAsync(string? text, SearchFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
