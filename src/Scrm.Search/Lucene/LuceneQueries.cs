using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Scrm.Search.Lucene;

/// <summary>A clause after analysis: its terms at their relative positions, on the pair or single-character field; or a contact.</summary>
internal sealed record AnalysedClause(IReadOnlyList<(string Term, int Position)> Terms, bool Unigram, bool Exclude, string? Contact = null);

/// <summary>
/// Builds Lucene queries from analysed terms only. Nothing the user typed is parsed as Lucene
/// syntax: every clause becomes a phrase (or a term) over the title and text fields.
/// </summary>
internal sealed class LuceneQueries(CrmAnalyzer pairs, CrmAnalyzer singles)
{
    private readonly ScopeFilters _scopes = new();

    public const float TitleBoost = 2f;

    private const int OwnerGroup = 512;

    /// <summary>The clauses with at least one term; a clause of punctuation only has none and is dropped.</summary>
    public IReadOnlyList<AnalysedClause> Analyse(string? text)
    {
        var result = new List<AnalysedClause>();
        foreach (var clause in QueryText.Parse(text))
        {
            if (clause.Contact is not null)
            {
                result.Add(new AnalysedClause([], false, clause.Exclude, clause.Contact));
                continue;
            }

            var tokens = pairs.Tokens(LuceneFields.Text, clause.Text);
            var unigram = tokens.Exists(t => t.Type == CrmAnalyzer.SingleType);
            if (unigram)
            {
                tokens = singles.Tokens(LuceneFields.TextUni, clause.Text);
            }

            if (tokens.Count == 0)
            {
                continue;
            }

            var first = tokens[0].Position;
            result.Add(new AnalysedClause(tokens.ConvertAll(t => (t.Term, t.Position - first)), unigram, clause.Exclude));
        }

        return result;
    }

    /// <summary>
    /// The full query: text clauses scored, filters not. Contacts are matched only when
    /// <paramref name="matchContacts"/> (the caller may see them); otherwise a contact the query
    /// requires matches nothing and one it excludes changes nothing. Null when nothing can match.
    /// </summary>
    public Query? Build(string? text, IReadOnlyList<AnalysedClause> clauses, SearchFilter filter, bool matchContacts)
    {
        if (!string.IsNullOrWhiteSpace(text) && clauses.Count == 0)
        {
            return null;
        }

        if (!matchContacts)
        {
            if (clauses.Any(c => c.Contact is not null && !c.Exclude))
            {
                return null;
            }

            clauses = [.. clauses.Where(c => c.Contact is null)];
        }

        var root = new BooleanQuery();
        foreach (var clause in clauses)
        {
            if (clause.Contact is { } contact)
            {
                root.Add(new TermQuery(new Term(LuceneFields.Contact, contact)), clause.Exclude ? Occur.MUST_NOT : Occur.MUST);
                continue;
            }

            var (textField, titleField) = clause.Unigram
                ? (LuceneFields.TextUni, LuceneFields.TitleUni)
                : (LuceneFields.Text, LuceneFields.Title);
            var title = Phrase(titleField, clause.Terms);
            title.Boost = TitleBoost;
            var either = new BooleanQuery { { Phrase(textField, clause.Terms), Occur.SHOULD }, { title, Occur.SHOULD } };
            root.Add(either, clause.Exclude ? Occur.MUST_NOT : Occur.MUST);
        }

        if (clauses.All(c => c.Exclude))
        {
            root.Add(new MatchAllDocsQuery(), Occur.MUST);
        }

        var filters = Filter(filter);
        Query query = filters is null ? root : new FilteredQuery(root, new QueryWrapperFilter(filters));
        return filter.Scope.IsAll ? query : new FilteredQuery(query, _scopes.For(filter.Scope));
    }

    private static Query Phrase(string field, IReadOnlyList<(string Term, int Position)> terms)
    {
        if (terms.Count == 1)
        {
            return new TermQuery(new Term(field, terms[0].Term));
        }

        var phrase = new PhraseQuery();
        foreach (var (term, position) in terms)
        {
            phrase.Add(new Term(field, term), position);
        }

        return phrase;
    }

    private static BooleanQuery? Filter(SearchFilter f)
    {
        var all = new BooleanQuery();
        AnyOf(all, LuceneFields.Type, f.Types);
        AnyOf(all, LuceneFields.Channel, f.Channels);
        AnyOf(all, LuceneFields.Keyword, f.Accounts.Select(LuceneFields.AccountKey).ToList());
        AnyOf(all, LuceneFields.Keyword, f.Authors.Select(LuceneFields.AuthorKey).ToList());
        AnyOf(all, LuceneFields.Keyword, f.Owners.Select(LuceneFields.OwnerKey).ToList());
        AnyOf(all, LuceneFields.Keyword, f.AnyTags.Select(LuceneFields.TagKey).ToList());
        foreach (var tag in f.Tags)
        {
            all.Add(new TermQuery(new Term(LuceneFields.Keyword, LuceneFields.TagKey(tag))), Occur.MUST);
        }

        foreach (var tag in f.NotTags)
        {
            all.Add(new TermQuery(new Term(LuceneFields.Keyword, LuceneFields.TagKey(tag))), Occur.MUST_NOT);
        }

        if (f.From is not null || f.To is not null)
        {
            // Read from the creation time's doc values: no range terms are indexed for it.
            all.Add(new ConstantScoreQuery(FieldCacheRangeFilter.NewInt64Range(
                LuceneFields.Created, f.From?.ToUnixTimeMilliseconds(), f.To?.ToUnixTimeMilliseconds(), true, false)), Occur.MUST);
        }

        if (all.Clauses.Count == 0)
        {
            return null;
        }

        if (all.Clauses.All(c => c.Occur == Occur.MUST_NOT))
        {
            all.Add(new MatchAllDocsQuery(), Occur.MUST);
        }

        return all;
    }

    /// <summary>The documents a scope keeps: every document but those its limits leave out.</summary>
    internal static Query InScope(SearchScope scope)
    {
        var all = new BooleanQuery { { new MatchAllDocsQuery(), Occur.MUST } };
        foreach (var (types, owners) in scope.Limits())
        {
            all.Add(OutOfScope(types, owners), Occur.MUST_NOT);
        }

        return all;
    }

    /// <summary>
    /// Documents of <paramref name="types"/> owned by someone outside <paramref name="owners"/>. An
    /// unowned document has no owner term, so "owned" is any term under the owner prefix (one term
    /// per distinct owner: few).
    /// </summary>
    private static BooleanQuery OutOfScope(IReadOnlyList<string> types, IReadOnlySet<string> owners)
    {
        var outside = new BooleanQuery();
        AnyOf(outside, LuceneFields.Type, types);
        outside.Add(new PrefixQuery(new Term(LuceneFields.Keyword, LuceneFields.OwnerKey(""))), Occur.MUST);
        // In groups, so a manager with more people below them than a query may have clauses still searches.
        foreach (var group in owners.Order(StringComparer.Ordinal).Chunk(OwnerGroup))
        {
            var any = new BooleanQuery();
            foreach (var owner in group)
            {
                any.Add(new TermQuery(new Term(LuceneFields.Keyword, LuceneFields.OwnerKey(owner))), Occur.SHOULD);
            }

            outside.Add(any, Occur.MUST_NOT);
        }

        return outside;
    }

    private static void AnyOf(BooleanQuery all, string field, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var any = new BooleanQuery();
        foreach (var value in values)
        {
            any.Add(new TermQuery(new Term(field, value)), Occur.SHOULD);
        }

        all.Add(any, Occur.MUST);
    }
}
