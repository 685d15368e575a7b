using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scrm.Search.Elasticsearch;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>
/// The caller's data scope inside the query, on both engines: a rep's search returns, counts and
/// facets only their own and unowned leads (with the mentions and messages that joined them) and
/// customers. The embedded engine is a real Lucene index; Elasticsearch is the fake cluster answering
/// with the documents its received query selects.
/// </summary>
public sealed class ScopedSearchTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly string?[] Owners = ["rep-a", "rep-b", "rep-c", null];
    private static readonly string[] Channels = ["wechat", "weibo", "web"];

    private static readonly List<SearchDocument> Documents = [.. Generate()];

    private readonly TempDirectory _folder = new("scrm-scoped");
    private Lucene.LuceneSearchIndex _lucene = null!;
    private FakeElasticsearch _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IEnumerable<SearchDocument> Generate()
    {
        var n = 0;
        foreach (var type in DocumentTypes.All.Order(StringComparer.Ordinal))
        {
            foreach (var owner in Owners)
            {
                for (var copy = 0; copy < 2; copy++)
                {
                    n++;
                    yield return new SearchDocument($"{type}-{owner ?? "pool"}-{copy}", type, Channels[n % Channels.Length], "acct", null, null, null,
                        "想了解企業版報價", At.AddMinutes(n), owner, []);
                }
            }
        }
    }

    private static SearchScope Scope(string[]? leads, string[]? customers) =>
        new(leads?.ToHashSet(StringComparer.Ordinal), customers?.ToHashSet(StringComparer.Ordinal));

    public static TheoryData<string> Scopes => new(ScopeCases.Keys);

    private static readonly Dictionary<string, SearchScope> ScopeCases = new()
    {
        ["a rep: own leads and customers"] = Scope(["rep-a"], ["rep-a"]),
        ["a team lead: the team's leads, every customer"] = Scope(["rep-a", "rep-b"], null),
        ["leads all, customers of nobody in particular"] = Scope(null, []),
        ["someone who owns nothing"] = Scope([], []),
        ["everything"] = SearchScope.All,
    };

    public async ValueTask InitializeAsync()
    {
        _lucene = new Lucene.LuceneSearchIndex(_folder.Path, new Lucene.LuceneOptions(), TimeSpan.FromHours(8), NullLogger<Lucene.LuceneSearchIndex>.Instance);
        await _lucene.UpsertAsync(Documents, Ct);
        await _lucene.RefreshAsync(Ct);
        _fake = await FakeElasticsearch.StartAsync();
        _fake.Script = (call, _, _) => Task.FromResult(Answer(call));
    }

    public async ValueTask DisposeAsync()
    {
        _fake.SchemaErrors.ShouldBeEmpty();
        await _fake.DisposeAsync();
        _lucene.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void The_rule_keeps_unowned_documents_and_those_of_owners_in_the_scope_of_their_type()
    {
        var rep = Scope(["rep-a"], ["rep-b"]);
        SearchDocument Doc(string type, string? owner) => Documents.First(d => d.Type == type && d.Owner == owner);

        rep.Includes(Doc(DocumentTypes.Lead, "rep-a")).ShouldBeTrue();
        rep.Includes(Doc(DocumentTypes.Mention, "rep-a")).ShouldBeTrue();
        rep.Includes(Doc(DocumentTypes.Message, "rep-a")).ShouldBeTrue();
        rep.Includes(Doc(DocumentTypes.Customer, "rep-a")).ShouldBeFalse();
        rep.Includes(Doc(DocumentTypes.Lead, "rep-b")).ShouldBeFalse();
        rep.Includes(Doc(DocumentTypes.Mention, "rep-b")).ShouldBeFalse();
        rep.Includes(Doc(DocumentTypes.Customer, "rep-b")).ShouldBeTrue();
        rep.Includes(Doc(DocumentTypes.Lead, null)).ShouldBeTrue();
        rep.Includes(Doc(DocumentTypes.Customer, null)).ShouldBeTrue();
        rep.Includes(Doc(DocumentTypes.Lead, "rep-c")).ShouldBeFalse();
        SearchScope.All.Includes(Doc(DocumentTypes.Lead, "rep-c")).ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task Lucene_returns_counts_and_facets_only_what_the_scope_includes(string name)
    {
        await ShouldHonourAsync(_lucene, ScopeCases[name]);
    }

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task Elasticsearch_returns_counts_and_facets_only_what_the_scope_includes(string name)
    {
        using var adapter = Adapter();
        await ShouldHonourAsync(adapter, ScopeCases[name]);
    }

    [Fact]
    public async Task A_scope_searched_before_follows_documents_written_reowned_and_deleted_since()
    {
        using var folder = new TempDirectory("scrm-scoped-cache");
        using var index = new Lucene.LuceneSearchIndex(folder.Path, new Lucene.LuceneOptions(), TimeSpan.FromHours(8), NullLogger<Lucene.LuceneSearchIndex>.Instance);
        var documents = Documents.ToDictionary(d => d.Id, StringComparer.Ordinal);
        await index.UpsertAsync([.. documents.Values], Ct);
        await index.RefreshAsync(Ct);
        var rep = Scope(["rep-a"], ["rep-a"]);

        async Task ShouldSeeAsync()
        {
            var expected = documents.Values.Where(rep.Includes).Select(d => d.Id).ToList();
            var result = await index.SearchAsync(new SearchQuery { Text = "報價", Filter = new SearchFilter { Scope = rep }, Size = 100 }, Ct);
            result.Hits.Select(h => h.Document.Id).ShouldBe(expected, ignoreOrder: true);
            result.Total.ShouldBe(expected.Count);
            (await index.CountAsync(null, new SearchFilter { Scope = rep }, Ct)).ShouldBe(expected.Count);
        }

        await ShouldSeeAsync();

        // rep-b's lead becomes rep-a's, rep-a's becomes rep-c's, a new one of rep-a's arrives and one of rep-a's is deleted.
        var given = documents["lead-rep-b-0"] with { Owner = "rep-a" };
        var taken = documents["lead-rep-a-0"] with { Owner = "rep-c" };
        var added = documents["lead-rep-a-1"] with { Id = "lead-rep-a-new" };
        documents[given.Id] = given;
        documents[taken.Id] = taken;
        documents[added.Id] = added;
        documents.Remove("customer-rep-a-0");
        await index.UpsertAsync([given, taken, added], Ct);
        await index.DeleteAsync(["customer-rep-a-0"], Ct);
        await index.RefreshAsync(Ct);

        await ShouldSeeAsync();
    }

    [Theory]
    [MemberData(nameof(Scopes))]
    public void Scoped_elasticsearch_bodies_satisfy_the_strict_schemas(string name)
    {
        var query = new SearchQuery { Text = "報價 -投訴", Filter = new SearchFilter { Types = ["lead", "customer"], Scope = ScopeCases[name] } };
        var match = ClientQueries.Match(query.Text, query.Filter, matchContacts: true).ShouldNotBeNull();
        var search = ElasticsearchContractTests.Body(ClientQueries.Search("crm", query, match, 10_000, TimeSpan.FromHours(8)));
        var count = ElasticsearchContractTests.Body(ClientQueries.Count("crm", match));

        ElasticsearchContractTests.Validate("search.request", search).ShouldBeEmpty(search);
        ElasticsearchContractTests.Validate("count.request", count).ShouldBeEmpty(count);
        search.Contains("\"exists\"", StringComparison.Ordinal).ShouldBe(!ScopeCases[name].IsAll, search);
    }

    private static async Task ShouldHonourAsync(ISearchIndex index, SearchScope scope)
    {
        var expected = Documents.Where(scope.Includes).ToList();
        var result = await index.SearchAsync(new SearchQuery { Filter = new SearchFilter { Scope = scope }, Size = 100 }, Ct);

        result.Hits.Select(h => h.Document.Id).ShouldBe(expected.Select(d => d.Id), ignoreOrder: true);
        result.Total.ShouldBe(expected.Count);
        result.Facets.Type.ShouldBe(Facet(expected, d => d.Type), ignoreOrder: true);
        result.Facets.Channel.ShouldBe(Facet(expected, d => d.Channel), ignoreOrder: true);
        (await index.CountAsync(null, new SearchFilter { Scope = scope }, Ct)).ShouldBe(expected.Count);

        // With other filters and text the scope still holds.
        var leads = await index.SearchAsync(new SearchQuery { Text = "報價", Filter = new SearchFilter { Types = [DocumentTypes.Lead], Scope = scope }, Size = 100 }, Ct);
        leads.Hits.Select(h => h.Document.Id).ShouldBe(expected.Where(d => d.Type == DocumentTypes.Lead).Select(d => d.Id), ignoreOrder: true);
    }

    private static List<FacetCount> Facet(IEnumerable<SearchDocument> documents, Func<SearchDocument, string> key) =>
        [.. documents.GroupBy(key).Select(g => new FacetCount(g.Key, g.Count()))];

    private ElasticsearchClientIndex Adapter()
    {
        var options = new ElasticsearchOptions { Url = _fake.Url.ToString(), Index = "crm", MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(5), RequestTimeout = TimeSpan.FromSeconds(5) };
        return new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
    }

    private static JsonObject Source(SearchDocument d) => JsonSerializer.SerializeToNode(EsDocument.From(d))!.AsObject();

    /// <summary>The cluster's answer: the documents the received query selects, with total and facets counted over them.</summary>
    private static (int, string)? Answer(EsCall call)
    {
        var search = call.Path.EndsWith("/_search", StringComparison.Ordinal);
        if (!search && !call.Path.EndsWith("/_count", StringComparison.Ordinal))
        {
            return null;
        }

        using var body = JsonDocument.Parse(call.Body);
        var query = body.RootElement.GetProperty("query");
        var matched = Documents.Where(d => EsMatch.Matches(query, Source(d))).ToList();
        if (!search)
        {
            return (200, JsonSerializer.Serialize(new { count = matched.Count, _shards = new { total = 1, successful = 1, skipped = 0, failed = 0 } }));
        }

        var size = body.RootElement.GetProperty("size").GetInt32();
        var scored = body.RootElement.GetProperty("sort")[0].TryGetProperty("_score", out _);
        var hits = matched.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).Take(size)
            .Select(d => new
            {
                _index = "crm-v1",
                _id = d.Id,
                _score = scored ? 1.0 : (double?)null,
                _source = Source(d),
                sort = scored ? new object[] { 1.0, d.CreatedAt.ToUnixTimeMilliseconds(), d.Id } : [d.CreatedAt.ToUnixTimeMilliseconds(), d.Id],
            });
        object Terms(Func<SearchDocument, string> key) => new
        {
            doc_count_error_upper_bound = 0,
            sum_other_doc_count = 0,
            buckets = matched.GroupBy(key).Select(g => new { key = g.Key, doc_count = g.Count() }),
        };
        var answer = new
        {
            took = 1,
            timed_out = false,
            _shards = new { total = 1, successful = 1, skipped = 0, failed = 0 },
            hits = new { total = new { value = matched.Count, relation = "eq" }, max_score = (double?)null, hits },
            aggregations = new Dictionary<string, object>
            {
                ["sterms#channel"] = Terms(d => d.Channel),
                ["sterms#type"] = Terms(d => d.Type),
                ["date_histogram#day"] = new { buckets = Array.Empty<object>() },
            },
        };
        return (200, JsonSerializer.Serialize(answer));
    }
}

/// <summary>
/// The part of the Elasticsearch query language the adapter's filters use, evaluated as the
/// contract describes it (<c>bool</c>, <c>terms</c>, <c>term</c>, <c>exists</c>, <c>range</c>, <c>match_all</c>);
/// full-text clauses are taken as matching (these tests search words every document has).
/// </summary>
internal static class EsMatch
{
    public static bool Matches(JsonElement query, JsonObject source)
    {
        var clause = query.EnumerateObject().Single();
        var body = clause.Value;
        switch (clause.Name)
        {
            case "match_all":
            case "match_phrase":
                return true;
            case "bool":
                return All(body, "must", source) && All(body, "filter", source)
                    && (!body.TryGetProperty("must_not", out var not) || !Clauses(not).Any(q => Matches(q, source)))
                    && (!body.TryGetProperty("should", out var should) || Clauses(should).Any(q => Matches(q, source)));
            case "terms":
                var terms = body.EnumerateObject().Single();
                return Values(source, terms.Name).Intersect(terms.Value.EnumerateArray().Select(v => v.GetString())).Any();
            case "term":
                var term = body.EnumerateObject().Single();
                return Values(source, term.Name).Contains(term.Value.ValueKind == JsonValueKind.Object ? term.Value.GetProperty("value").GetString() : term.Value.GetString());
            case "exists":
                return Values(source, body.GetProperty("field").GetString()!).Any();
            default:
                throw new NotSupportedException($"the test cluster does not evaluate {clause.Name}");
        }
    }

    private static bool All(JsonElement body, string name, JsonObject source) =>
        !body.TryGetProperty(name, out var clauses) || Clauses(clauses).All(q => Matches(q, source));

    /// <summary>A clause list may be written as one query object or an array of them.</summary>
    private static IEnumerable<JsonElement> Clauses(JsonElement clauses) =>
        clauses.ValueKind == JsonValueKind.Array ? clauses.EnumerateArray() : [clauses];

    private static IEnumerable<string?> Values(JsonObject source, string field) => source[field] switch
    {
        null => [],
        JsonArray array => array.Select(v => v?.GetValue<string>()),
        var value => [value.GetValue<string>()],
    };
}
