using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// Our search model in the client's query DSL. User words go only into <c>match_phrase</c> queries as
/// plain strings, never into <c>query_string</c>: nothing a user types is parsed as Elasticsearch syntax.
/// </summary>
internal static class ClientQueries
{
    public const string MarkStart = "\uE000";
    public const string MarkEnd = "\uE001";
    public const int FacetChannels = 50;
    public const string ShardDoc = "_shard_doc";

    /// <summary>
    /// The query part, or null when the text can match nothing (only punctuation). With
    /// <paramref name="words"/> (a word subfield exists) each word or phrase is also looked for as words:
    /// optional clauses that only raise the score, so the hits are the same as without.
    /// </summary>
    public static Query? Match(string? text, SearchFilter filter, bool matchContacts, bool words = false)
    {
        var clauses = QueryText.Parse(text).Where(c => c.Text.Any(char.IsLetterOrDigit)).ToList();
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

            clauses.RemoveAll(c => c.Contact is not null);
        }

        var must = new List<Query>();
        var mustNot = new List<Query>();
        var should = new List<Query>();
        foreach (var clause in clauses)
        {
            if (clause.Contact is { } contact)
            {
                (clause.Exclude ? mustNot : must).Add(new Query { Term = new TermQuery(EsFields.Contacts, contact) });
                continue;
            }

            var suffix = Cjk.HasLoneCharacter(clause.Text) ? "." + ClientMapping.SingleSubfield : "";
            var either = new BoolQuery
            {
                Should =
                [
                    Phrase(EsFields.Text + suffix, clause.Text, null),
                    Phrase(EsFields.Title + suffix, clause.Text, 2),
                    Phrase(EsFields.AuthorName + suffix, clause.Text, 2),
                ],
                MinimumShouldMatch = 1,
            };
            (clause.Exclude ? mustNot : must).Add(new Query { Bool = either });
            if (words && !clause.Exclude)
            {
                should.Add(Phrase(EsFields.Text + "." + ClientMapping.WordsSubfield, clause.Text, 2));
                should.Add(Phrase(EsFields.Title + "." + ClientMapping.WordsSubfield, clause.Text, 4));
            }
        }

        var filters = new List<Query>();
        Terms(filters, EsFields.Type, filter.Types);
        Terms(filters, EsFields.Channel, filter.Channels);
        Terms(filters, EsFields.Account, filter.Accounts);
        Terms(filters, EsFields.AuthorId, filter.Authors);
        Terms(filters, EsFields.Owner, filter.Owners);
        Terms(filters, EsFields.Tags, filter.AnyTags);
        foreach (var tag in filter.Tags)
        {
            filters.Add(new Query { Term = new TermQuery(EsFields.Tags, tag) });
        }

        Terms(mustNot, EsFields.Tags, filter.NotTags);
        foreach (var (types, owners) in filter.Scope.Limits())
        {
            mustNot.Add(OutOfScope(types, owners));
        }

        if (filter.From is not null || filter.To is not null)
        {
            filters.Add(new Query
            {
                Range = new NumberRangeQuery(EsFields.CreatedAt)
                {
                    Gte = filter.From?.ToUnixTimeMilliseconds(),
                    Lt = filter.To?.ToUnixTimeMilliseconds(),
                },
            });
        }

        if (must.Count == 0 && filters.Count == 0 && mustNot.Count == 0)
        {
            return new Query { MatchAll = new MatchAllQuery() };
        }

        return new Query
        {
            Bool = new BoolQuery
            {
                Must = must.Count > 0 ? must : null,
                Should = should.Count > 0 ? should : null,
                Filter = filters.Count > 0 ? filters : null,
                MustNot = mustNot.Count > 0 ? mustNot : null,
            },
        };
    }

    /// <summary>Relevance needs words to be relevant to; without any it lists newest first, like the embedded engine.</summary>
    public static SearchSort EffectiveSort(SearchQuery query) =>
        query.Sort == SearchSort.Relevance && !QueryText.Parse(query.Text).Any(c => !c.Exclude && c.Text.Any(char.IsLetterOrDigit))
            ? SearchSort.Newest
            : query.Sort;

    /// <summary>
    /// One page one hit longer than asked (to know whether there is a next one), sorted totally, with
    /// highlights and facets; on the index, or inside a point in time (<paramref name="pit"/>) with
    /// <c>_shard_doc</c> as the explicit last sort, so that Elasticsearch adds no tiebreaker of its own.
    /// </summary>
    public static SearchRequest Search(string index, SearchQuery query, Query match, int trackTotalHitsUpTo, TimeSpan facetOffset, PointInTimeReference? pit = null)
    {
        var sort = EffectiveSort(query);
        var order = Sort(sort);
        if (pit is not null)
        {
            order.Add(new SortOptions { Field = new FieldSort(ShardDoc) { Order = SortOrder.Asc } });
        }

        // Inside a point in time the request names no index: the point in time does.
        var request = pit is null ? new SearchRequest(index) : new SearchRequest { Pit = pit };
        request.Query = match;
        request.Size = query.Size + 1;
        request.TrackTotalHits = new TrackHits(trackTotalHitsUpTo);
        request.Sort = order;
        request.Highlight = new Highlight
        {
            PreTags = [MarkStart],
            PostTags = [MarkEnd],
            RequireFieldMatch = false,
            Fields = new Dictionary<Field, HighlightField>
            {
                [EsFields.Text] = Fragment(),
                [EsFields.Text + "." + ClientMapping.SingleSubfield] = Fragment(),
            },
        };
        if (query.After is { } after)
        {
            var values = new List<FieldValue>();
            if (sort == SearchSort.Relevance)
            {
                values.Add(FieldValue.Double(after.Score ?? 0));
            }

            values.Add(FieldValue.Long(after.CreatedAtMs));
            values.Add(FieldValue.String(after.Id));
            if (pit is not null)
            {
                // Creation time and id already order every document, so the tiebreaker only decides about the
                // last hit itself: the largest value puts it before the next page, in this snapshot or a fresh one.
                values.Add(FieldValue.Long(long.MaxValue));
            }

            request.SearchAfter = values;
        }

        if (query.Facets)
        {
            request.Aggregations = new Dictionary<string, Aggregation>
            {
                ["channel"] = new() { Terms = new TermsAggregation { Field = EsFields.Channel, Size = FacetChannels } },
                ["type"] = new() { Terms = new TermsAggregation { Field = EsFields.Type, Size = DocumentTypes.All.Count } },
                ["day"] = new()
                {
                    DateHistogram = new DateHistogramAggregation
                    {
                        Field = EsFields.CreatedAt,
                        CalendarInterval = CalendarInterval.Day,
                        TimeZone = (facetOffset < TimeSpan.Zero ? "-" : "+") + facetOffset.ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture),
                        Format = "yyyy-MM-dd",
                        MinDocCount = 1,
                    },
                },
            };
        }

        return request;
    }

    public static CountRequest Count(string index, Query match) => new(index) { Query = match };

    private static List<SortOptions> Sort(SearchSort sort)
    {
        var order = sort == SearchSort.Oldest ? SortOrder.Asc : SortOrder.Desc;
        var fields = new List<SortOptions>();
        if (sort == SearchSort.Relevance)
        {
            fields.Add(new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } });
        }

        fields.Add(new SortOptions { Field = new FieldSort(EsFields.CreatedAt) { Order = order } });
        fields.Add(new SortOptions { Field = new FieldSort(EsFields.Id) { Order = SortOrder.Asc } });
        return fields;
    }

    private static Query Phrase(string field, string text, float? boost) =>
        new() { MatchPhrase = new MatchPhraseQuery(field, text) { Boost = boost } };

    private static HighlightField Fragment() => new()
    {
        NumberOfFragments = 1,
        FragmentSize = 160,
        NoMatchSize = 160,
    };

    /// <summary>Documents of <paramref name="types"/> that have an owner outside <paramref name="owners"/> (the caller's data scope).</summary>
    private static Query OutOfScope(IReadOnlyList<string> types, IReadOnlySet<string> owners)
    {
        var filters = new List<Query>();
        Terms(filters, EsFields.Type, types);
        filters.Add(new Query { Exists = new ExistsQuery(EsFields.Owner) });
        var inScope = new List<Query>();
        Terms(inScope, EsFields.Owner, [.. owners.Order(StringComparer.Ordinal)]);
        return new Query { Bool = new BoolQuery { Filter = filters, MustNot = inScope.Count > 0 ? inScope : null } };
    }

    private static void Terms(List<Query> into, string field, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            into.Add(new Query { Terms = new TermsQuery(field, new TermsQueryField([.. values.Select(FieldValue.String)])) });
        }
    }
}
