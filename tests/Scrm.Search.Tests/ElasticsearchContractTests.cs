using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using Scrm.Search.Elasticsearch;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>The adapter against the Elasticsearch REST contract kit: every body it builds, every example it may read.</summary>
public sealed class ElasticsearchContractTests
{
    private static readonly Dictionary<string, Lazy<JsonSchema>> Schemas = new[]
    {
        "search.request", "count.request", "indices.create.request", "bulk.action",
    }.ToDictionary(n => n, n => new Lazy<JsonSchema>(() => JsonSchema.FromFileAsync(Repo.Elasticsearch("schemas", n + ".schema.json")).GetAwaiter().GetResult()));

    internal static ICollection<NJsonSchema.Validation.ValidationError> Validate(string schema, string json) => Schemas[schema].Value.Validate(json);

    private static readonly DateTimeOffset Day = new(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8));

    public static TheoryData<string> Queries => new(QueryCases.Keys);

    private static readonly Dictionary<string, SearchQuery> QueryCases = new()
    {
        ["chinese words"] = new() { Text = "會員積分 兌換" },
        ["single character"] = new() { Text = "積" },
        ["phrase and exclusion"] = new() { Text = "\"loyal customer\" -投訴" },
        ["only exclusion"] = new() { Text = "-spam" },
        ["hostile syntax"] = new() { Text = "text:[* TO *] {!lucene}x _id:* a~999 /(a+)+$/" },
        ["browse newest"] = new() { Sort = SearchSort.Newest },
        ["oldest after"] = new() { Sort = SearchSort.Oldest, After = new SearchAfter(null, 1_700_000_000_000, "webhook:weibo:1") },
        ["relevance after"] = new() { Text = "物流", After = new SearchAfter(7.4128, 1_700_000_000_000, "webhook:weibo:1") },
        ["no facets"] = new() { Text = "客戶", Facets = false, Size = 100 },
        ["contacts"] = new() { Text = "139 1234 5678 -sales@example.com 客戶", MatchContacts = true },
        ["every filter"] = new()
        {
            Text = "客戶",
            Filter = new SearchFilter
            {
                Types = ["mention", "lead"],
                Channels = ["wechat"],
                Accounts = ["gh_1"],
                Authors = ["u1"],
                Owners = ["rep-7"],
                Tags = ["vip", "華東"],
                AnyTags = ["a", "b"],
                NotTags = ["blocked"],
                From = Day,
                To = Day.AddDays(7),
            },
        },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Search_and_count_bodies_satisfy_the_strict_schemas(string name)
    {
        var query = QueryCases[name];
        var match = EsQueries.Query(query.Text, query.Filter, matchContacts: true).ShouldNotBeNull();
        var search = Encoding.UTF8.GetString(EsQueries.Serialize(EsQueries.Search(query, match, 10_000, TimeSpan.FromHours(8))));
        var count = Encoding.UTF8.GetString(EsQueries.Serialize(EsQueries.Count(match)));

        Validate("search.request", search).ShouldBeEmpty(search);
        Validate("count.request", count).ShouldBeEmpty(count);
        search.ShouldNotContain("query_string");
        if (query.Text is { } text && text.Any(c => c > 0x3000))
        {
            search.ShouldContain(text.Split(' ')[0].Trim('"', '-'));
        }
    }

    [Fact]
    public void Punctuation_only_text_matches_nothing_instead_of_everything()
    {
        EsQueries.Query("*:* \\ ((( ", SearchFilter.None, matchContacts: true).ShouldBeNull();
    }

    [Theory]
    [InlineData("crm")]
    [InlineData(null)]
    public void The_index_definition_is_a_valid_create_index_body_with_cjk_analysis(string? alias)
    {
        var body = EsQueries.Serialize(EsIndexDefinition.CreateBody(new ElasticsearchOptions { Url = "http://127.0.0.1:9200" }, alias));
        var json = Encoding.UTF8.GetString(body);

        Validate("indices.create.request", json).ShouldBeEmpty(json);
        json.ShouldContain("\"cjk_bigram\"");
        json.ShouldContain("\"cjk_width\"");
        json.ShouldContain("\"dynamic\":\"strict\"");
    }

    [Fact]
    public void Bulk_bodies_are_compact_ndjson_with_valid_action_lines()
    {
        var doc = new SearchDocument("webhook:weibo:1", "mention", "webhook", "weibo", "u1", "張三", "標題", "第一行\n第二行\r\n\"quoted\" 會員積分", Day, "rep", ["vip"]);
        var ops = new[] { BulkOperation.Write("create", doc), BulkOperation.Write("index", doc), BulkOperation.Delete("webhook:weibo:2") };
        var body = Encoding.UTF8.GetString(EsBulk.Body(ops));

        body.ShouldEndWith("\n");
        var lines = body[..^1].Split('\n');
        lines.Length.ShouldBe(5);
        foreach (var action in new[] { lines[0], lines[2], lines[4] })
        {
            Validate("bulk.action", action).ShouldBeEmpty(action);
        }

        JsonDocument.Parse(lines[1]).RootElement.GetProperty("text").GetString().ShouldBe(doc.Text);
        lines[1].ShouldContain("會員積分");
        lines[1].ShouldNotContain("\\u");
    }

    [Fact]
    public void Bulk_bodies_are_cut_into_chunks_under_the_size_limit()
    {
        var docs = Enumerable.Range(0, 2_000).Select(i => new SearchDocument($"id-{i}", "mention", "web", "acct", null, null, null, new string('客', 200 + i % 50), Day, null, []));
        var ops = docs.Select(d => BulkOperation.Write("create", d)).ToList();
        const int max = 64 * 1024;

        var chunks = EsBulk.Chunk(ops, max);

        chunks.Count.ShouldBeGreaterThan(10);
        chunks.ShouldAllBe(c => EsBulk.Body(c).Length <= max);
        chunks.SelectMany(c => c).Select(o => o.Id).ShouldBe(ops.Select(o => o.Id));
    }

    [Theory]
    [InlineData("create", 201, "Done")]
    [InlineData("index", 200, "Done")]
    [InlineData("delete", 404, "Done")]
    [InlineData("create", 409, "AlreadyIndexed")]
    [InlineData("index", 409, "DeadLetter")]
    [InlineData("index", 429, "Retry")]
    [InlineData("update", 503, "Retry")]
    [InlineData("index", 400, "DeadLetter")]
    [InlineData("update", 404, "DeadLetter")]
    public void Bulk_items_are_handled_by_status(string action, int status, string expected)
    {
        EsBulk.Classify(action, status).ToString().ShouldBe(expected);
    }

    private static readonly Dictionary<string, Type> Readers = new()
    {
        ["bulk"] = typeof(EsBulkResponse),
        ["search"] = typeof(EsSearchResponse),
        ["scroll"] = typeof(EsSearchResponse),
        ["count"] = typeof(EsCountResponse),
        ["indices.create"] = typeof(EsAcknowledged),
        ["indices.update_aliases"] = typeof(EsAcknowledged),
        ["indices.get_alias"] = typeof(Dictionary<string, EsIndexAliases>),
        ["indices.refresh"] = typeof(Dictionary<string, EsShards>),
        ["cluster.health"] = typeof(EsHealth),
    };

    /// <summary>Endpoints with examples that the adapter never calls, so it has no reader for them.</summary>
    private static readonly string[] NotCalled =
        ["index", "get", "mget", "delete", "update", "delete_by_query", "indices.put_mapping", "indices.get_mapping", "open_point_in_time", "close_point_in_time", "clear_scroll", "msearch"];

    private static IEnumerable<JsonElement> ResponseExamples()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Repo.Elasticsearch("examples", "_manifest.json")));
        return manifest.RootElement.GetProperty("examples").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "response" && e.GetProperty("file").ValueKind == JsonValueKind.String)
            .Select(e => e.Clone()).ToList();
    }

    internal static string Example(string file)
    {
        var node = JsonNode.Parse(File.ReadAllText(Repo.Elasticsearch("examples", file)))!;
        if (node is JsonObject o)
        {
            o.Remove("_note");
        }

        return node.ToJsonString();
    }

    [Fact]
    public void Every_example_response_the_adapter_can_receive_parses_and_writes_back_without_loss()
    {
        var read = 0;
        foreach (var example in ResponseExamples())
        {
            var endpoint = example.GetProperty("endpoint").GetString()!;
            var file = example.GetProperty("file").GetString()!;
            var isError = example.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String
                && schema.GetString()!.Contains("error.response", StringComparison.Ordinal);
            var type = isError ? typeof(EsErrorResponse) : Readers.GetValueOrDefault(endpoint);
            if (type is null)
            {
                NotCalled.ShouldContain(endpoint, $"{file}: an endpoint the adapter may call needs a reader");
                continue;
            }

            var json = Example(file);
            var parsed = JsonSerializer.Deserialize(json, type, EsJson.Options).ShouldNotBeNull(file);
            var written = JsonSerializer.Serialize(parsed, type, EsJson.Options);
            using var before = JsonDocument.Parse(json);
            using var after = JsonDocument.Parse(written);
            JsonElement.DeepEquals(before.RootElement, after.RootElement).ShouldBeTrue($"{file} changed on the way through:\n{json}\n{written}");
            read++;
        }

        read.ShouldBeGreaterThanOrEqualTo(29);
    }

    [Fact]
    public void The_bulk_example_with_item_errors_yields_retries_an_already_indexed_item_and_a_dead_letter()
    {
        var response = JsonSerializer.Deserialize<EsBulkResponse>(Example("bulk.response.4.json"), EsJson.Options)!;
        var outcomes = response.Items.Select(i => i.Single()).Select(i => EsBulk.Classify(i.Key, i.Value.Status ?? 0)).ToList();

        outcomes.Count(o => o == BulkItemOutcome.Retry).ShouldBe(2);
        outcomes.Count(o => o == BulkItemOutcome.AlreadyIndexed).ShouldBe(1);
        outcomes.Count(o => o == BulkItemOutcome.DeadLetter).ShouldBe(1);
        outcomes.Count(o => o == BulkItemOutcome.Done).ShouldBe(4);
        var dead = response.Items.Select(i => i.Single().Value).Single(i => i.Status == 400);
        EsBulk.Describe(dead).ShouldContain("document_parsing_exception");
    }

    [Fact]
    public void The_partial_search_example_is_surfaced_as_partial_with_its_reason()
    {
        var response = JsonSerializer.Deserialize<EsSearchResponse>(Example("search.response.5.json"), EsJson.Options)!;
        var result = EsResults.ToResult(response, new SearchQuery { Text = "x" });

        result.IsPartial.ShouldBeTrue();
        result.PartialReasons.ShouldHaveSingleItem().ShouldContain("es_rejected_execution_exception");
        result.Total.ShouldBe(1140);
    }

    [Fact]
    public void Typed_keys_aggregations_read_the_same_as_plain_ones()
    {
        var plain = JsonSerializer.Deserialize<EsSearchResponse>(Example("search.response.2.json"), EsJson.Options)!;
        var typed = JsonSerializer.Deserialize<EsSearchResponse>(Example("search.response.3.json"), EsJson.Options)!;

        var a = EsResults.Buckets(plain.Aggregations);
        var b = EsResults.Buckets(typed.Aggregations);
        a.Keys.ShouldBe(b.Keys, ignoreOrder: true);
        a["by_channel"].Select(x => x.Value).ShouldBe(["wechat", "wecom", "weibo"]);
        foreach (var key in a.Keys)
        {
            b[key].ShouldBe(a[key]);
        }
    }

    [Fact]
    public void A_search_after_page_keeps_null_scores_and_raw_sort_values()
    {
        var response = JsonSerializer.Deserialize<EsSearchResponse>(Example("search.response.4.json"), EsJson.Options)!;
        response.Hits!.Hits.ShouldAllBe(h => h.ScoreValue == null && h.Sort != null && h.Sort.Count > 0);
    }

    [Fact]
    public void A_missing_alias_error_written_as_a_string_is_read()
    {
        var error = JsonSerializer.Deserialize<EsErrorResponse>(Example("indices.get_alias.response.2.json"), EsJson.Options)!;
        error.Status.ShouldBe(404);
        error.Error!.Type.ShouldBeNull();
        error.Error.Reason.ShouldBe("alias [crm-leads] missing");
    }

    [Theory]
    [InlineData("indices.get_alias", "GET", "/_alias/{name}", null)]
    [InlineData("indices.create", "PUT", "/{index}", null)]
    [InlineData("bulk", "POST", "/{index}/_bulk", null)]
    [InlineData("search", "POST", "/{index}/_search", "typed_keys")]
    [InlineData("count", "POST", "/{index}/_count", null)]
    [InlineData("indices.refresh", "POST", "/{index}/_refresh", null)]
    [InlineData("indices.update_aliases", "POST", "/_aliases", null)]
    public void Every_call_the_adapter_makes_is_declared_in_the_rest_api_spec(string endpoint, string method, string path, string? parameter)
    {
        using var spec = JsonDocument.Parse(File.ReadAllText(Repo.Elasticsearch("api", endpoint + ".json")));
        var api = spec.RootElement.GetProperty(endpoint);
        var paths = api.GetProperty("url").GetProperty("paths").EnumerateArray().ToList();
        paths.ShouldContain(p => p.GetProperty("path").GetString() == path && p.GetProperty("methods").EnumerateArray().Any(m => m.GetString() == method));
        if (parameter is not null)
        {
            api.GetProperty("params").TryGetProperty(parameter, out _).ShouldBeTrue();
        }
    }

    [Fact]
    public void Highlight_markers_become_ranges_and_adjacent_ones_merge()
    {
        var snippet = EsResults.Unmark("請問\uE000會員\uE001\uE000積分\uE001怎麼\uE000兌換\uE001");
        snippet.Text.ShouldBe("請問會員積分怎麼兌換");
        snippet.Highlights.ShouldBe([new TextRange(2, 4), new TextRange(8, 2)]);
    }
}
