using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using NJsonSchema;
using Scrm.Search.Elasticsearch;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>The client-backed adapter against the Elasticsearch REST contract kit: every body it builds, every example it may read.</summary>
public sealed class ElasticsearchContractTests
{
    private static readonly Dictionary<string, Lazy<JsonSchema>> Schemas = new[]
    {
        "search.request", "count.request", "indices.create.request", "bulk.action", "search.response", "bulk.response", "error.response",
    }.ToDictionary(n => n, n => new Lazy<JsonSchema>(() => JsonSchema.FromFileAsync(Repo.Elasticsearch("schemas", n + ".schema.json")).GetAwaiter().GetResult()));

    internal static ICollection<NJsonSchema.Validation.ValidationError> Validate(string schema, string json) => Schemas[schema].Value.Validate(json);

    private static readonly ElasticsearchClient Client = ClientSettings.Create(new ElasticsearchOptions { Url = "http://127.0.0.1:9200" });

    /// <summary>A request body exactly as the client writes it.</summary>
    internal static string Body<T>(T request)
    {
        using var stream = new MemoryStream();
        Client.RequestResponseSerializer.Serialize(request, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static T Read<T>(string json) =>
        Client.RequestResponseSerializer.Deserialize<T>(new MemoryStream(Encoding.UTF8.GetBytes(json)))!;

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
        var match = ClientQueries.Match(query.Text, query.Filter, matchContacts: true).ShouldNotBeNull();
        var search = Body(ClientQueries.Search("crm", query, match, 10_000, TimeSpan.FromHours(8)));
        var count = Body(ClientQueries.Count("crm", match));

        Validate("search.request", search).ShouldBeEmpty(search);
        Validate("count.request", count).ShouldBeEmpty(count);
        search.ShouldNotContain("query_string");
        if (query.Text is { } text && text.Any(c => c > 0x3000))
        {
            JsonNode.Parse(search)!.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
                .ShouldContain(text.Split(' ')[0].Trim('"', '-'));
        }

        if (query.After is { } after)
        {
            JsonNode.Parse(search)!["search_after"]!.ToJsonString().ShouldContain($"\"{after.Id}\"");
        }
    }

    [Theory]
    [InlineData("relevance")]
    [InlineData("oldest")]
    public void A_page_inside_a_point_in_time_names_no_index_and_ends_its_sort_with_the_shard_doc_tiebreaker(string sort)
    {
        var query = new SearchQuery { Text = "物流", Sort = Enum.Parse<SearchSort>(sort, ignoreCase: true), After = new SearchAfter(7.5, 1_700_000_000_000, "webhook:weibo:1") };
        var match = ClientQueries.Match(query.Text, query.Filter, matchContacts: false).ShouldNotBeNull();
        var request = ClientQueries.Search("crm", query, match, 10_000, TimeSpan.FromHours(8), new Elastic.Clients.Elasticsearch.Core.Search.PointInTimeReference { Id = "pit-1", KeepAlive = TimeSpan.FromMinutes(5) });
        var search = Body(request);

        Validate("search.request", search).ShouldBeEmpty(search);
        request.Indices.ShouldBeNull();
        var json = JsonNode.Parse(search)!;
        json["pit"]!["id"]!.GetValue<string>().ShouldBe("pit-1");
        json["sort"]!.AsArray()[^1]!.ToJsonString().ShouldContain("_shard_doc");
        var after = json["search_after"]!.AsArray();
        after.Count.ShouldBe(json["sort"]!.AsArray().Count);
        after[^1]!.GetValue<long>().ShouldBe(long.MaxValue);
    }

    [Fact]
    public void A_word_analyser_adds_a_words_subfield_to_the_definition_and_optional_word_phrases_to_the_query()
    {
        var plain = Body(ClientMapping.Create("crm-v1", new ElasticsearchOptions { Url = "http://127.0.0.1:9200" }, "crm"));
        var json = Body(ClientMapping.Create("crm-v1", new ElasticsearchOptions { Url = "http://127.0.0.1:9200", WordAnalyzer = "ik_max_word" }, "crm"));

        Validate("indices.create.request", json).ShouldBeEmpty(json);
        plain.ShouldNotContain("words");
        var properties = JsonNode.Parse(json)!["mappings"]!["properties"]!;
        foreach (var field in new[] { "text", "title", "author_name" })
        {
            properties[field]!["fields"]!["words"]!["analyzer"]!.GetValue<string>().ShouldBe("ik_max_word");
            properties[field]!["analyzer"]!.GetValue<string>().ShouldBe(ClientMapping.PairAnalyzer);
        }

        var match = ClientQueries.Match("和服 -投訴", SearchFilter.None, matchContacts: false, words: true).ShouldNotBeNull();
        var search = Body(ClientQueries.Search("crm", new SearchQuery { Text = "和服 -投訴" }, match, 10_000, TimeSpan.FromHours(8)));
        Validate("search.request", search).ShouldBeEmpty(search);
        var root = JsonNode.Parse(search)!["query"]!["bool"]!;
        root["should"]!.AsArray().Select(q => q!["match_phrase"]!.AsObject().Single().Key).ShouldBe(["text.words", "title.words"]);
        root["minimum_should_match"].ShouldBeNull();
        root["must_not"]!.ToJsonString().ShouldNotContain("words");
        Body(ClientQueries.Search("crm", new SearchQuery { Text = "和服" }, ClientQueries.Match("和服", SearchFilter.None, false)!, 10_000, TimeSpan.FromHours(8))).ShouldNotContain("words");
    }

    [Fact]
    public void Punctuation_only_text_matches_nothing_instead_of_everything()
    {
        ClientQueries.Match("*:* \\ ((( ", SearchFilter.None, matchContacts: true).ShouldBeNull();
    }

    [Theory]
    [InlineData("crm")]
    [InlineData(null)]
    public void The_index_definition_is_a_valid_create_index_body_with_cjk_analysis(string? alias)
    {
        var json = Body(ClientMapping.Create("crm-v1", new ElasticsearchOptions { Url = "http://127.0.0.1:9200" }, alias));

        Validate("indices.create.request", json).ShouldBeEmpty(json);
        json.ShouldContain("\"cjk_bigram\"");
        json.ShouldContain("\"cjk_width\"");
        json.ShouldContain("\"dynamic\":\"strict\"");
        if (alias is not null)
        {
            JsonNode.Parse(json)!["aliases"]![alias]!["is_write_index"]!.GetValue<bool>().ShouldBeTrue();
        }

        var marks = Body(ClientMapping.Marks("crm-marks"));
        Validate("indices.create.request", marks).ShouldBeEmpty(marks);
    }

    [Fact]
    public void A_document_is_stored_as_utf8_json_and_read_back_whole()
    {
        var doc = new SearchDocument("webhook:weibo:1", "mention", "webhook", "weibo", "u1", "張三", "標題", "第一行\n第二行\r\n\"quoted\" 會員積分", Day, "rep", ["vip"])
        {
            Contacts = ["contact:abc"],
        };
        using var stream = new MemoryStream();
        Client.SourceSerializer.Serialize(EsDocument.From(doc), stream);
        var json = Encoding.UTF8.GetString(stream.ToArray());

        json.ShouldContain("會員積分");
        json.ShouldNotContain("\\u");
        json.ShouldNotContain("\n");
        var back = Client.SourceSerializer.Deserialize<EsDocument>(new MemoryStream(stream.ToArray()))!.ToSearchDocument();
        back.ShouldBe(doc with { Tags = back.Tags, Contacts = back.Contacts });
        back.Tags.ShouldBe(doc.Tags);
        back.Contacts.ShouldBe(doc.Contacts);
    }

    [Fact]
    public void Bulk_bodies_are_cut_into_chunks_under_the_size_limit()
    {
        var docs = Enumerable.Range(0, 2_000).Select(i => new SearchDocument($"id-{i}", "mention", "web", "acct", null, null, null,
            new string('客', 200 + i % 50) + (i % 3 == 0 ? "\"\\\n\u0001" : ""), Day, null, [])).ToList();
        var writes = docs.Select(d => new ElasticsearchClientIndex.PendingWrite("create", d.Id, EsDocument.From(d), EsDocument.EstimatedBytes(d))).ToList();
        const int max = 64 * 1024;

        var chunks = ElasticsearchClientIndex.Chunk(writes, max);

        chunks.Count.ShouldBeGreaterThan(10);
        chunks.ShouldAllBe(c => c.Sum(w => w.Bytes) <= max);
        chunks.SelectMany(c => c).Select(w => w.Id).ShouldBe(writes.Select(w => w.Id));
        foreach (var write in writes)
        {
            // The estimate is an upper bound of the document and its action line as written.
            using var stream = new MemoryStream();
            Client.SourceSerializer.Serialize(write.Document!, stream);
            (stream.Length + "{\"create\":{\"_id\":\"\"}}".Length + write.Id.Length + 2).ShouldBeLessThanOrEqualTo(write.Bytes);
        }
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
        BulkOutcomes.Classify(action, status).ToString().ShouldBe(expected);
    }

    /// <summary>The client's response type for each endpoint the adapter calls.</summary>
    private static readonly Dictionary<string, Func<string, object?>> Readers = new()
    {
        ["bulk"] = Read<BulkResponse>,
        ["search"] = Read<SearchResponse<JsonElement>>,
        ["count"] = Read<CountResponse>,
        ["index"] = Read<IndexResponse>,
        ["get"] = Read<GetResponse<JsonElement>>,
        ["indices.create"] = Read<CreateIndexResponse>,
        ["indices.update_aliases"] = Read<UpdateAliasesResponse>,
        ["indices.get_alias"] = Read<GetAliasResponse>,
        ["indices.refresh"] = Read<RefreshResponse>,
    };

    /// <summary>Endpoints with examples that the adapter never calls.</summary>
    private static readonly string[] NotCalled =
        ["mget", "delete", "update", "delete_by_query", "indices.put_mapping", "indices.get_mapping", "open_point_in_time", "close_point_in_time", "clear_scroll", "msearch", "scroll", "cluster.health"];

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
    public void Every_successful_example_response_of_an_endpoint_the_adapter_calls_is_read_by_the_client()
    {
        var read = 0;
        foreach (var example in ResponseExamples())
        {
            var endpoint = example.GetProperty("endpoint").GetString()!;
            var file = example.GetProperty("file").GetString()!;
            var status = example.TryGetProperty("http_status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : 200;
            if (!Readers.TryGetValue(endpoint, out var reader))
            {
                NotCalled.ShouldContain(endpoint, $"{file}: an endpoint the adapter may call needs a reader");
                continue;
            }

            // Error bodies (4xx/5xx) reach the adapter as the client's server error; the adapter tests replay those through the fake cluster.
            // The client always asks for typed_keys, so aggregations without their type prefix never reach it.
            var json = Example(file);
            var untyped = JsonNode.Parse(json)?["aggregations"] is JsonObject aggregations && aggregations.Any(a => !a.Key.Contains('#', StringComparison.Ordinal));
            if (status is >= 200 and < 300 && !untyped)
            {
                reader(json).ShouldNotBeNull(file);
                read++;
            }
        }

        read.ShouldBeGreaterThanOrEqualTo(12);
    }

    [Fact]
    public void The_bulk_example_with_item_errors_yields_retries_an_already_indexed_item_and_a_dead_letter()
    {
        var response = Read<BulkResponse>(Example("bulk.response.4.json"));
        var outcomes = response.Items.Select(i => BulkOutcomes.Classify(i.Operation, i.Status)).ToList();

        outcomes.Count(o => o == BulkItemOutcome.Retry).ShouldBe(2);
        outcomes.Count(o => o == BulkItemOutcome.AlreadyIndexed).ShouldBe(1);
        outcomes.Count(o => o == BulkItemOutcome.DeadLetter).ShouldBe(1);
        outcomes.Count(o => o == BulkItemOutcome.Done).ShouldBe(4);
        ClientResults.Describe(response.Items.Single(i => i.Status == 400).Error).ShouldContain("document_parsing_exception");
    }

    [Fact]
    public void The_partial_search_example_is_surfaced_as_partial_with_its_reason()
    {
        var response = Read<SearchResponse<JsonElement>>(Example("search.response.5.json"));
        var reasons = ClientResults.PartialReasons(response.TimedOut, response.Shards);

        reasons.ShouldHaveSingleItem().ShouldContain("es_rejected_execution_exception");
        response.HitsMetadata.Total!.Match(t => t!.Value, n => n).ShouldBe(1140);
    }

    [Fact]
    public void Typed_keys_aggregations_are_read_into_buckets()
    {
        var typed = Read<SearchResponse<JsonElement>>(Example("search.response.3.json"));

        typed.Aggregations!.GetStringTerms("by_channel")!.Buckets.Select(b => b.Key.TryGetString(out var k) ? k : null).ShouldBe(["wechat", "wecom", "weibo"]);
        typed.Aggregations.GetDateHistogram("per_month")!.Buckets.ShouldNotBeEmpty();
    }

    [Fact]
    public void A_search_after_page_keeps_null_scores_and_sort_values()
    {
        var response = Read<SearchResponse<JsonElement>>(Example("search.response.4.json"));
        response.HitsMetadata.Hits.ShouldAllBe(h => h.Score == null && h.Sort != null && h.Sort.Count > 0);
    }

    [Theory]
    [InlineData("indices.get_alias", "GET", "/_alias/{name}", null)]
    [InlineData("indices.create", "PUT", "/{index}", null)]
    [InlineData("bulk", "POST", "/{index}/_bulk", null)]
    [InlineData("search", "POST", "/{index}/_search", "typed_keys")]
    [InlineData("count", "POST", "/{index}/_count", null)]
    [InlineData("indices.refresh", "POST", "/{index}/_refresh", null)]
    [InlineData("indices.update_aliases", "POST", "/_aliases", null)]
    [InlineData("index", "PUT", "/{index}/_doc/{id}", null)]
    [InlineData("get", "GET", "/{index}/_doc/{id}", null)]
    [InlineData("search", "POST", "/_search", "typed_keys")]
    [InlineData("open_point_in_time", "POST", "/{index}/_pit", "keep_alive")]
    [InlineData("close_point_in_time", "DELETE", "/_pit", null)]
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
        var snippet = ClientResults.Unmark("請問\uE000會員\uE001\uE000積分\uE001怎麼\uE000兌換\uE001");
        snippet.Text.ShouldBe("請問會員積分怎麼兌換");
        snippet.Highlights.ShouldBe([new TextRange(2, 4), new TextRange(8, 2)]);
    }
}
