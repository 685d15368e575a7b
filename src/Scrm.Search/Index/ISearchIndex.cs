namespace Scrm.Search;

/// <summary>
/// The search index, whatever engine is behind it (embedded Lucene.NET or Elasticsearch). Writes
/// become visible to searches within a second.
/// </summary>
internal interface ISearchIndex
{
    /// <summary>Adds documents that never change once written (journal items): an id already indexed is left as it is.</summary>
    Task<IndexWriteResult> AddAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken);

    /// <summary>Adds or replaces documents by id.</summary>
    Task<IndexWriteResult> UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken);

    /// <summary>Removes documents by id; ids that are not indexed are ignored.</summary>
    Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);

    Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>How many documents match, without fetching any.</summary>
    Task<long> CountAsync(string? text, SearchFilter filter, CancellationToken cancellationToken);
}

/// <summary>The engine cannot answer now (unreachable, overloaded); the caller may retry later.</summary>
internal sealed class SearchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
