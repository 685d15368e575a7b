using Lucene.Net.Search;
using Lucene.Net.Util;
using JInt64 = J2N.Numerics.Int64;
using JSingle = J2N.Numerics.Single;

namespace Scrm.Search.Lucene;

/// <summary>The sorts, each ending in the document id so the order is total and a page boundary is stable.</summary>
internal static class LuceneSorts
{
    private static readonly SortField Newest = new(LuceneFields.Created, SortFieldType.INT64, true);
    private static readonly SortField Oldest = new(LuceneFields.Created, SortFieldType.INT64, false);
    // Binary doc values: cheaper to write than sorted ones, and only compared when time and score tie.
    private static readonly SortField Id = new(LuceneFields.Id, SortFieldType.STRING_VAL);

    /// <summary>Relevance needs something to be relevant to: without words it lists newest first.</summary>
    public static SearchSort Effective(SearchSort requested, IReadOnlyList<AnalysedClause> clauses) =>
        requested == SearchSort.Relevance && !clauses.Any(c => !c.Exclude) ? SearchSort.Newest : requested;

    public static Sort For(SearchSort sort) => sort switch
    {
        SearchSort.Relevance => new Sort(SortField.FIELD_SCORE, Newest, Id),
        SearchSort.Newest => new Sort(Newest, Id),
        SearchSort.Oldest => new Sort(Oldest, Id),
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
    };

    public static SearchAfter Position(FieldDoc doc, SearchSort sort)
    {
        var f = doc.Fields;
        return sort == SearchSort.Relevance
            ? new SearchAfter(((JSingle)f[0]).ToSingle(), ((JInt64)f[1]).ToInt64(), ((BytesRef)f[2]).Utf8ToString())
            : new SearchAfter(null, ((JInt64)f[0]).ToInt64(), ((BytesRef)f[1]).Utf8ToString());
    }

    /// <summary>The page boundary as Lucene's search-after wants it; the doc number sorts after every real one, so ties are skipped.</summary>
    public static FieldDoc? After(SearchAfter? after, SearchSort sort)
    {
        if (after is null)
        {
            return null;
        }

        var id = new BytesRef(after.Id);
        var created = JInt64.GetInstance(after.CreatedAtMs);
        if (sort == SearchSort.Relevance)
        {
            var score = (float)(after.Score ?? 0);
            return new FieldDoc(int.MaxValue, score, [JSingle.GetInstance(score), created, id]);
        }

        return new FieldDoc(int.MaxValue, float.NaN, [created, id]);
    }
}
