using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Scrm.Search.Lucene;

/// <summary>
/// The documents each data scope keeps, as one bit set per index segment, computed at the first
/// search with that scope and kept while the segment lives. A person searches with the same scope
/// again and again; evaluating "owned by anyone but these owners" against every owner's postings on
/// each query cost more than the query itself. A new segment (documents written since) gets its
/// own set at its first search; a deleted or updated document is dropped by the segment's live
/// documents, so an owner change is seen as soon as the search sees the new document.
/// </summary>
internal sealed class ScopeFilters
{
    /// <summary>Distinct scopes kept; past this the cache starts again (a scope is one person's or one team's).</summary>
    private const int MaxScopes = 256;

    private readonly ConcurrentDictionary<string, Filter> _filters = new(StringComparer.Ordinal);

    public Filter For(SearchScope scope)
    {
        var key = Key(scope);
        if (_filters.TryGetValue(key, out var filter))
        {
            return filter;
        }

        if (_filters.Count >= MaxScopes)
        {
            _filters.Clear();
        }

        return _filters.GetOrAdd(key, _ => new BitSetCache(new QueryWrapperFilter(LuceneQueries.InScope(scope))));
    }

    internal int Count => _filters.Count;

    private static string Key(SearchScope scope) =>
        Part(scope.LeadOwners) + "\n" + Part(scope.CustomerOwners);

    private static string Part(IReadOnlySet<string>? owners) =>
        owners is null ? "*" : "=" + string.Join('\u0001', owners.Order(StringComparer.Ordinal));

    /// <summary>Caches a plain bit set, so the query reads the scope by random access instead of stepping through it.</summary>
    private sealed class BitSetCache(Filter filter) : CachingWrapperFilter(filter)
    {
        protected override DocIdSet CacheImpl(DocIdSetIterator iterator, AtomicReader reader)
        {
            var bits = new FixedBitSet(reader.MaxDoc);
            bits.Or(iterator);
            return bits;
        }
    }
}
