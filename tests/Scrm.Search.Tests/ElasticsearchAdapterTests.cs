using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scrm.Search.Elasticsearch;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>The adapter against a fake cluster on loopback: partial bulk failures, 429 storms, timeouts, partial shard failures.</summary>
public sealed class ElasticsearchAdapterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));
    private FakeElasticsearch _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fake = await FakeElasticsearch.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _fake.SchemaErrors.ShouldBeEmpty();
        await _fake.DisposeAsync();
    }

    private ElasticsearchClientIndex Adapter(Action<ElasticsearchOptions>? configure = null)
    {
        var options = new ElasticsearchOptions
        {
            Url = _fake.Url.ToString(),
            Index = "crm",
            MaxRetries = 4,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromSeconds(5),
            ApiKey = "c2VjcmV0LWtleQ==",
        };
        configure?.Invoke(options);
        return new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
    }

    private static SearchDocument Doc(string id, string text = "會員積分兌換") =>
        new(id, DocumentTypes.Mention, "webhook", "weibo", "u1", "張三", null, text, At, null, ["vip"]);

    [Fact]
    public async Task Bulk_partial_failures_retry_only_the_refused_items_and_dead_letter_the_rest()
    {
        var statuses = new Dictionary<string, int> { ["d1"] = 201, ["d2"] = 409, ["d3"] = 400, ["d4"] = 429, ["d5"] = 503 };
        _fake.Script = (call, attempt, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_bulk", StringComparison.Ordinal)
            ? (200, FakeElasticsearch.BulkAnswer(call, (_, id) => attempt == 1 ? statuses[id] : 201))
            : null);
        using var adapter = Adapter();

        var result = await adapter.AddAsync([Doc("d1"), Doc("d2"), Doc("d3"), Doc("d4"), Doc("d5")], Ct);

        result.Written.ShouldBe(4);
        var rejected = result.Rejected.ShouldHaveSingleItem();
        rejected.Id.ShouldBe("d3");
        rejected.Reason.ShouldContain("document_parsing_exception");
        var bulks = _fake.Calls.Where(c => c.Path.EndsWith("/_bulk", StringComparison.Ordinal)).ToList();
        bulks.Count.ShouldBe(2);
        FakeElasticsearch.Actions(bulks[0]).ShouldAllBe(a => a.Action == "create");
        FakeElasticsearch.Actions(bulks[1]).Select(a => a.Id).ShouldBe(["d4", "d5"]);
    }

    [Fact]
    public async Task Bulk_bodies_are_compact_ndjson_with_chinese_text_as_utf8()
    {
        using var adapter = Adapter();
        var text = "第一行\n第二行\r\n\"quoted\" 會員積分";

        await adapter.UpsertAsync([Doc("n1", text)], Ct);

        var bulk = _fake.Calls.Single(c => c.Path.EndsWith("/_bulk", StringComparison.Ordinal));
        bulk.Body.ShouldEndWith("\n");
        var lines = bulk.Body[..^1].Split('\n');
        lines.Length.ShouldBe(2);
        lines[1].ShouldContain("會員積分");
        lines[1].ShouldNotContain("\\u");
        JsonDocument.Parse(lines[1]).RootElement.GetProperty("text").GetString().ShouldBe(DocumentRules.Prepare(Doc("n1", text)).Document!.Text);
    }

    [Fact]
    public async Task A_429_storm_on_the_whole_bulk_is_ridden_out_with_backoff()
    {
        var breaker = ElasticsearchContractTests.Example("bulk.response.5.json");
        _fake.Script = (call, attempt, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_bulk", StringComparison.Ordinal) && attempt <= 3 ? (429, breaker) : null);
        using var adapter = Adapter();

        var result = await adapter.UpsertAsync(Enumerable.Range(0, 20).Select(i => Doc($"s{i}")).ToList(), Ct);

        result.Written.ShouldBe(20);
        _fake.Count("POST", "/_bulk").ShouldBe(4);
    }

    [Fact]
    public async Task A_429_storm_that_does_not_end_is_reported_as_unavailable()
    {
        _fake.Script = (call, _, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_bulk", StringComparison.Ordinal) ? (429, """{"error":{"type":"es_rejected_execution_exception","reason":"busy"},"status":429}""") : null);
        using var adapter = Adapter(o => o.MaxRetries = 3);

        await Should.ThrowAsync<SearchUnavailableException>(() => adapter.AddAsync([Doc("x")], Ct));
        _fake.Count("POST", "/_bulk").ShouldBe(4);
    }

    [Fact]
    public async Task Items_refused_with_429_every_time_are_reported_as_unavailable_not_lost()
    {
        _fake.Script = (call, _, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_bulk", StringComparison.Ordinal) ? (200, FakeElasticsearch.BulkAnswer(call, (_, id) => id == "hot" ? 429 : 201)) : null);
        using var adapter = Adapter(o => o.MaxRetries = 2);

        var error = await Should.ThrowAsync<SearchUnavailableException>(() => adapter.AddAsync([Doc("cold"), Doc("hot")], Ct));
        error.Message.ShouldContain("1 bulk item");
        _fake.Count("POST", "/_bulk").ShouldBe(3);
    }

    [Fact]
    public async Task A_bulk_too_large_for_the_cluster_is_split()
    {
        _fake.Script = (call, _, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_bulk", StringComparison.Ordinal) && FakeElasticsearch.Actions(call).Count > 2
            ? (413, """{"error":{"type":"request_entity_too_large","reason":"too large"},"status":413}""")
            : null);
        using var adapter = Adapter();

        var result = await adapter.AddAsync(Enumerable.Range(0, 8).Select(i => Doc($"b{i}")).ToList(), Ct);

        result.Written.ShouldBe(8);
        result.Rejected.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_slow_cluster_is_retried_after_the_timeout_and_then_reported_unavailable()
    {
        var slowFirst = true;
        _fake.Script = async (call, attempt, http) =>
        {
            if (call.Path.EndsWith("/_search", StringComparison.Ordinal) && (attempt == 1 || !slowFirst))
            {
                await Task.Delay(TimeSpan.FromSeconds(10), http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            return null;
        };
        using var adapter = Adapter(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = 2;
        });

        (await adapter.SearchAsync(new SearchQuery { Text = "會員" }, Ct)).Hits.ShouldBeEmpty();
        _fake.Count("POST", "/_search").ShouldBe(2);

        slowFirst = false;
        await Should.ThrowAsync<SearchUnavailableException>(() => adapter.SearchAsync(new SearchQuery { Text = "會員" }, Ct));
    }

    [Fact]
    public async Task Partial_shard_failures_are_surfaced_with_their_reasons()
    {
        _fake.Script = (call, _, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_search", StringComparison.Ordinal)
            ? (200, """
                {"took":9,"timed_out":true,"_shards":{"total":3,"successful":2,"skipped":0,"failed":1,"failures":[{"shard":1,"index":"crm-v1","node":"n1",
                "reason":{"type":"es_rejected_execution_exception","reason":"rejected execution"}}]},
                "hits":{"total":{"value":10000,"relation":"gte"},"max_score":3.5,"hits":[]}}
                """)
            : null);
        using var adapter = Adapter();

        var result = await adapter.SearchAsync(new SearchQuery { Text = "物流" }, Ct);

        result.IsPartial.ShouldBeTrue();
        result.PartialReasons.Count.ShouldBe(2);
        result.PartialReasons.ShouldContain(r => r.Contains("es_rejected_execution_exception"));
        result.Total.ShouldBe(10000);
        result.TotalIsExact.ShouldBeFalse();
    }

    [Fact]
    public async Task A_search_response_becomes_hits_with_snippets_facets_and_a_next_position()
    {
        _fake.Script = (call, _, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_search", StringComparison.Ordinal)
            ? (200, """
                {"took":4,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
                 "hits":{"total":{"value":3,"relation":"eq"},"max_score":2.5,"hits":[
                  {"_index":"crm-v1","_id":"a","_score":2.5,"_source":{"id":"a","type":"mention","channel":"webhook","account":"weibo","author_id":"u1","author_name":"張三","created_at":1764000000000,"text":"請問會員積分怎麼兌換","tags":["vip"]},
                   "highlight":{"text":["請問\uE000會員\uE001\uE000積分\uE001怎麼兌換"]},"sort":[2.5,1764000000000,"a"]},
                  {"_index":"crm-v1","_id":"b","_score":1.5,"_source":{"id":"b","type":"lead","channel":"web","account":"form","created_at":1763900000000,"text":"會員積分"},
                   "sort":[1.5,1763900000000,"b"]}]},
                 "aggregations":{"sterms#channel":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"webhook","doc_count":2},{"key":"web","doc_count":1}]},
                  "sterms#type":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"mention","doc_count":2},{"key":"lead","doc_count":1}]},
                  "date_histogram#day":{"buckets":[{"key_as_string":"2025-11-23","key":1763827200000,"doc_count":1},{"key_as_string":"2025-11-24","key":1763913600000,"doc_count":2}]}}}
                """)
            : null);
        using var adapter = Adapter();

        var result = await adapter.SearchAsync(new SearchQuery { Text = "會員積分", Size = 1 }, Ct);

        var hit = result.Hits.ShouldHaveSingleItem();
        hit.Document.AuthorName.ShouldBe("張三");
        hit.Document.Tags.ShouldBe(["vip"]);
        hit.Document.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1764000000000));
        hit.Score.ShouldBe(2.5);
        hit.Snippet.ShouldBe(new Snippet("請問會員積分怎麼兌換", [new TextRange(2, 4)]), new SnippetComparer());
        result.Next.ShouldBe(new SearchAfter(2.5, 1764000000000, "a"));
        result.Facets.Channel.ShouldBe([new FacetCount("webhook", 2), new FacetCount("web", 1)]);
        result.Facets.Day.Select(d => d.Value).ShouldBe(["2025-11-23", "2025-11-24"]);
        var sent = _fake.Calls.Single(c => c.Path.EndsWith("/_search", StringComparison.Ordinal));
        sent.Query.ShouldContain("typed_keys=true");
        sent.Text.ShouldContain("會員積分");
        sent.Body.ShouldContain("會員積分", customMessage: "query bodies carry Chinese as UTF-8, not \\u escapes");

        await adapter.SearchAsync(new SearchQuery { Text = "會員積分", Size = 1, After = result.Next }, Ct);
        var next = JsonDocument.Parse(_fake.Calls.Last(c => c.Path.EndsWith("/_search", StringComparison.Ordinal)).Body);
        // The second page reads a point in time, with the shard tiebreaker last.
        next.RootElement.GetProperty("search_after").GetRawText().ShouldBe("""[2.5,1764000000000,"a",9223372036854775807]""");
        next.RootElement.GetProperty("pit").GetProperty("id").GetString().ShouldBe(JsonDocument.Parse(ElasticsearchContractTests.Example("open_point_in_time.response.1.json")).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Every_request_carries_the_compatibility_headers_and_the_api_key()
    {
        using var adapter = Adapter();
        await adapter.AddAsync([Doc("h1")], Ct);
        await adapter.SearchAsync(new SearchQuery { Text = "會員" }, Ct);
        await adapter.CountAsync("會員", SearchFilter.None, Ct);

        _fake.Calls.Count.ShouldBeGreaterThanOrEqualTo(4);
        foreach (var call in _fake.Calls)
        {
            // Elasticsearch refuses a request whose Accept and Content-Type name different REST compatibility versions.
            call.Authorization.ShouldBe("ApiKey c2VjcmV0LWtleQ==");
            if (call.Body.Length > 0 && (Compatibility(call.Accept) ?? Compatibility(call.ContentType)) is { } version)
            {
                version.ShouldBe("9");
                Compatibility(call.Accept).ShouldBe(version, $"{call.Method} {call.Path}: {call.Accept} / {call.ContentType}");
                Compatibility(call.ContentType).ShouldBe(version, $"{call.Method} {call.Path}: {call.Accept} / {call.ContentType}");
            }
        }
    }

    private static string? Compatibility(string? header) =>
        header is not null && System.Text.RegularExpressions.Regex.Match(header, @"compatible-with=(\d+)") is { Success: true } m ? m.Groups[1].Value : null;

    [Fact]
    public async Task Basic_credentials_are_sent_when_configured()
    {
        using var adapter = Adapter(o =>
        {
            o.ApiKey = null;
            o.Username = "elastic";
            o.Password = "changeme";
        });
        await adapter.CountAsync(null, SearchFilter.None, Ct);
        _fake.Calls.ShouldAllBe(c => c.Authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("elastic:changeme")));
    }

    [Fact]
    public async Task With_several_nodes_one_that_does_not_answer_is_passed_over()
    {
        using var adapter = Adapter(o =>
        {
            o.Url = "";
            o.Nodes = ["http://127.0.0.1:9", _fake.Url.ToString()];
        });

        for (var i = 0; i < 4; i++)
        {
            await adapter.CountAsync("會員", SearchFilter.None, Ct);
        }

        _fake.Count("POST", "/_count").ShouldBe(4);
    }

    [Fact]
    public async Task Credentials_never_reach_the_logs_or_the_errors()
    {
        _fake.Script = (_, _, _) => Task.FromResult<(int, string)?>((503, """{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}"""));
        var capture = new LogCapture();
        using var logging = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        var options = new ElasticsearchOptions
        {
            Url = _fake.Url.ToString(),
            Index = "crm",
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            Username = "elastic",
            Password = "pa55-w0rd-never-logged",
        };
        using var adapter = new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, logging.CreateLogger<ElasticsearchClientIndex>());

        var error = await Should.ThrowAsync<SearchUnavailableException>(() => adapter.SearchAsync(new SearchQuery { Text = "會員" }, Ct));

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("elastic:pa55-w0rd-never-logged"));
        capture.Lines.ShouldNotBeEmpty();
        foreach (var text in capture.Lines.Append(error.ToString()))
        {
            text.ShouldNotContain("pa55-w0rd");
            text.ShouldNotContain(basic);
        }

        _fake.Calls.ShouldAllBe(c => c.Authorization == "Basic " + basic);
    }

    [Theory]
    [InlineData("http://elastic:secret@es.internal:9200", null, "not in a node URL")]
    [InlineData("ftp://es.internal", null, "http or https")]
    [InlineData("", null, "Url or Nodes")]
    [InlineData("https://es.internal:9200", "12:34", "SHA-256")]
    public void Connection_settings_that_cannot_work_are_refused_at_start(string url, string? fingerprint, string message)
    {
        var options = new ElasticsearchOptions { Url = url, CertificateFingerprint = fingerprint };
        options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ShouldContain(r => r.ErrorMessage!.Contains(message));
    }

    [Fact]
    public void A_fingerprint_and_several_nodes_make_a_client()
    {
        var options = new ElasticsearchOptions
        {
            Nodes = ["https://es1.internal:9200", "https://es2.internal:9200"],
            CertificateFingerprint = string.Join(":", Enumerable.Repeat("AB", 32)),
            ApiKey = "a2V5",
        };
        options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ShouldBeEmpty();
        var client = ClientSettings.Create(options);
        client.ElasticsearchClientSettings.NodePool.Nodes.Select(n => n.Uri.Host).ShouldBe(["es1.internal", "es2.internal"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_new_cluster_gets_a_versioned_index_behind_the_alias()
    {
        _fake.AliasIndices = null;
        using var adapter = Adapter();

        await adapter.AddAsync([Doc("n1")], Ct);

        var create = _fake.Calls.Single(c => c.Method == "PUT");
        create.Path.ShouldBe("/crm-v1");
        using var body = JsonDocument.Parse(create.Body);
        body.RootElement.GetProperty("aliases").GetProperty("crm").GetProperty("is_write_index").GetBoolean().ShouldBeTrue();
        _fake.Calls[^1].Path.ShouldBe("/crm/_bulk");
    }

    [Fact]
    public async Task A_rebuild_fills_a_new_index_and_moves_the_alias_atomically()
    {
        _fake.AliasIndices = ["crm-v1", "crm-v2"];
        using var adapter = Adapter();

        var target = await adapter.BeginRebuildAsync(Ct);
        (await target.WriteAsync([Doc("r1"), Doc("r2")], Ct)).Written.ShouldBe(2);
        await target.CompleteAsync(Ct);

        _fake.Calls.Single(c => c.Method == "PUT").Path.ShouldBe("/crm-v3");
        var bulk = _fake.Calls.Single(c => c.Path.EndsWith("/_bulk", StringComparison.Ordinal));
        bulk.Path.ShouldBe("/crm-v3/_bulk");
        FakeElasticsearch.Actions(bulk).ShouldAllBe(a => a.Action == "index");
        _fake.Calls.ShouldContain(c => c.Path == "/crm-v3/_refresh");
        using var swap = JsonDocument.Parse(_fake.Calls.Single(c => c.Path == "/_aliases").Body);
        using var expected = JsonDocument.Parse(
            """[{"remove":{"index":"crm-v1","alias":"crm"}},{"remove":{"index":"crm-v2","alias":"crm"}},{"add":{"index":"crm-v3","alias":"crm","is_write_index":true}}]""");
        JsonElement.DeepEquals(swap.RootElement.GetProperty("actions"), expected.RootElement).ShouldBeTrue(swap.RootElement.GetRawText());
    }

    [Fact]
    public async Task A_vanished_index_is_unavailable_and_created_again()
    {
        var missing = ElasticsearchContractTests.Example("search.response.6.json");
        _fake.Script = (call, attempt, _) => Task.FromResult<(int, string)?>(call.Path.EndsWith("/_search", StringComparison.Ordinal) && attempt == 1 ? (404, missing) : null);
        using var adapter = Adapter();
        await adapter.CountAsync(null, SearchFilter.None, Ct);
        _fake.AliasIndices = null;

        await Should.ThrowAsync<SearchUnavailableException>(() => adapter.SearchAsync(new SearchQuery { Text = "會員" }, Ct));
        await adapter.SearchAsync(new SearchQuery { Text = "會員" }, Ct);

        _fake.Calls.Count(c => c.Method == "PUT").ShouldBe(1);
    }

    [Fact]
    public async Task Documents_that_break_the_rules_are_refused_before_they_are_sent()
    {
        using var adapter = Adapter();
        var result = await adapter.AddAsync([Doc("ok"), Doc("") with { }, Doc("bad") with { Type = "invoice" }], Ct);
        result.Written.ShouldBe(1);
        result.Rejected.Select(r => r.Id).ShouldBe(["", "bad"]);
    }

    private sealed class SnippetComparer : IEqualityComparer<Snippet>
    {
        public bool Equals(Snippet? x, Snippet? y) => x!.Text == y!.Text && x.Highlights.SequenceEqual(y.Highlights);

        public int GetHashCode(Snippet obj) => obj.Text.GetHashCode(StringComparison.Ordinal);
    }
}
