using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scrm.Search.Tests;

/// <summary>A request as the fake cluster received it.</summary>
public sealed record EsCall(string Method, string Path, string Query, string? Accept, string? ContentType, string? Authorization, string Body)
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body with JSON string escapes decoded (the client writes query text as <c>\uXXXX</c>), one JSON document a line.</summary>
    public string Text => string.Join('\n', Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)?.ToJsonString(Relaxed)));
}

/// <summary>
/// An Elasticsearch stand-in on a loopback socket (a real ASP.NET app): it records every request,
/// checks every body against the contract kit's schemas, and answers with scripted responses,
/// falling back to the kit's recorded examples (plain successful answers). Every answer carries
/// <c>X-Elastic-Product: Elasticsearch</c>, which the official client checks.
/// </summary>
public sealed class FakeElasticsearch : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<EsCall> _calls = new();
    private readonly ConcurrentQueue<string> _schemaErrors = new();

    private FakeElasticsearch(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Answers a request, or returns null for the default answer. Runs for every request.</summary>
    public Func<EsCall, int, HttpContext, Task<(int Status, string Body)?>>? Script { get; set; }

    /// <summary>Concrete index names behind the alias; null answers 404 like a new cluster.</summary>
    public List<string>? AliasIndices { get; set; } = ["crm-v1"];

    /// <summary>
    /// An in-memory cluster that answers with Elasticsearch's semantics (documents, queries, facets,
    /// paging); its answers are checked against the kit's response schemas. Null: the recorded examples.
    /// </summary>
    public FakeCluster? Cluster { get; set; }

    /// <summary>Check request bodies against the schemas (off only to measure throughput).</summary>
    public bool CheckBodies { get; set; } = true;

    public IReadOnlyList<EsCall> Calls => [.. _calls];

    public IReadOnlyList<string> SchemaErrors => [.. _schemaErrors];

    public int Count(string method, string pathEnd) => _calls.Count(c => c.Method == method && c.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    public static async Task<FakeElasticsearch> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeElasticsearch(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await AnswerAsync(context);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            _schemaErrors.Enqueue($"the fake cluster failed on {context.Request.Method} {context.Request.Path}: {ex}");
            throw;
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        // Like Elasticsearch, take gzip request bodies (the official client compresses them by default).
        var gzip = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        using var reader = new StreamReader(gzip ? new System.IO.Compression.GZipStream(context.Request.Body, System.IO.Compression.CompressionMode.Decompress) : context.Request.Body, Encoding.UTF8);
        var call = new EsCall(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.Accept.ToString(),
            context.Request.ContentType,
            context.Request.Headers.Authorization.ToString(),
            await reader.ReadToEndAsync(context.RequestAborted));
        _calls.Enqueue(call);
        if (CheckBodies)
        {
            CheckSchema(call);
        }
        var attempt = _calls.Count(c => c.Method == call.Method && c.Path == call.Path);
        var answer = Script is null ? null : await Script(call, attempt, context);
        var (status, body) = answer ?? Evaluate(call) ?? Default(call);
        context.Response.StatusCode = status;
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        // Like Elasticsearch, answer in the media type asked for (the client checks it matches).
        context.Response.ContentType = call.Accept is { Length: > 0 } accept && !accept.Contains(',', StringComparison.Ordinal) ? accept : "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private (int, string)? Evaluate(EsCall call)
    {
        if (Cluster?.Answer(call) is not { } answer)
        {
            return null;
        }

        var schema = answer.Status >= 400 ? "error.response"
            : call.Path.EndsWith("/_search", StringComparison.Ordinal) ? "search.response"
            : call.Path.EndsWith("/_bulk", StringComparison.Ordinal) ? "bulk.response"
            : null;
        // 404s that are not error bodies: a missing alias ("error" is a string), a missing document, an unknown point in time to close.
        var plain404 = answer.Status == 404 && (call.Path.StartsWith("/_alias/", StringComparison.Ordinal) || call.Path.Contains("/_doc/", StringComparison.Ordinal) || call.Path == "/_pit");
        if (CheckBodies && schema is not null && !plain404)
        {
            foreach (var error in ElasticsearchContractTests.Validate(schema, answer.Body))
            {
                _schemaErrors.Enqueue($"the fake cluster's answer to {call.Method} {call.Path} does not satisfy {schema}: {error}");
            }
        }

        return answer;
    }

    private (int, string) Default(EsCall call)
    {
        var path = call.Path;
        if (path == "/")
        {
            // The client pings a node (HEAD /) before it sends it requests again.
            return (200, """{"name":"fake-1","cluster_name":"fake","cluster_uuid":"f4k3","version":{"number":"9.1.0","build_flavor":"default","lucene_version":"10.2.2","minimum_wire_compatibility_version":"8.19.0","minimum_index_compatibility_version":"8.0.0"},"tagline":"You Know, for Search"}""");
        }

        if (call.Method == "GET" && path.StartsWith("/_alias/", StringComparison.Ordinal))
        {
            var alias = path["/_alias/".Length..];
            return AliasIndices is null
                ? (404, Example("indices.get_alias.response.2.json").Replace("crm-leads", alias, StringComparison.Ordinal))
                : (200, JsonSerializer.Serialize(AliasIndices.ToDictionary(i => i, _ => new { aliases = new Dictionary<string, object> { [alias] = new { is_write_index = true } } })));
        }

        if (call.Method == "PUT" && path.Contains("/_doc/", StringComparison.Ordinal))
        {
            return (200, Example("index.response.2.json"));
        }

        if (call.Method == "GET" && path.Contains("/_doc/", StringComparison.Ordinal))
        {
            return (404, Example("get.response.4.json"));
        }

        if (call.Method == "PUT")
        {
            return (200, Example("indices.create.response.1.json").Replace("crm-mentions-v1", path.Trim('/'), StringComparison.Ordinal));
        }

        if (path.EndsWith("/_bulk", StringComparison.Ordinal))
        {
            return (200, BulkAnswer(call, (_, _) => 201));
        }

        if (path.EndsWith("/_search", StringComparison.Ordinal))
        {
            return (200, """{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]}}""");
        }

        if (path.EndsWith("/_count", StringComparison.Ordinal))
        {
            return (200, Example("count.response.1.json"));
        }

        if (path.EndsWith("/_pit", StringComparison.Ordinal))
        {
            return (200, Example(call.Method == "DELETE" ? "close_point_in_time.response.1.json" : "open_point_in_time.response.1.json"));
        }

        if (path.EndsWith("/_refresh", StringComparison.Ordinal))
        {
            return (200, Example("indices.refresh.response.1.json"));
        }

        return path == "/_aliases" ? (200, Example("indices.update_aliases.response.1.json")) : (404, """{"error":{"type":"fake","reason":"not scripted"},"status":404}""");
    }

    private static readonly ConcurrentDictionary<string, string> Examples = new(StringComparer.Ordinal);

    private static string Example(string file) => Examples.GetOrAdd(file, ElasticsearchContractTests.Example);

    /// <summary>A bulk response with one item per action line, its status chosen by <paramref name="status"/>(action, id).</summary>
    public static string BulkAnswer(EsCall call, Func<string, string, int> status)
    {
        var items = new List<object>();
        foreach (var (action, id) in Actions(call))
        {
            var code = status(action, id);
            object item = code is >= 200 and < 300
                ? new { _index = "crm-v1", _id = id, _version = 1, result = "created", status = code }
                : new { _index = "crm-v1", _id = id, status = code, error = new { type = ErrorType(code), reason = $"scripted {code}" } };
            items.Add(new Dictionary<string, object> { [action] = item });
        }

        return JsonSerializer.Serialize(new { took = 3, errors = items.Count > 0, items });
    }

    public static List<(string Action, string Id)> Actions(EsCall call)
    {
        var result = new List<(string, string)>();
        var lines = call.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var action = line.RootElement.EnumerateObject().First();
            result.Add((action.Name, action.Value.GetProperty("_id").GetString()!));
            if (action.Name is "index" or "create" or "update")
            {
                i++;
            }
        }

        return result;
    }

    private static string ErrorType(int status) => status switch
    {
        409 => "version_conflict_engine_exception",
        429 => "es_rejected_execution_exception",
        503 => "unavailable_shards_exception",
        _ => "document_parsing_exception",
    };

    private void CheckSchema(EsCall call)
    {
        var schema = call.Method switch
        {
            "PUT" when !call.Path.Contains("/_doc/", StringComparison.Ordinal) => "indices.create.request",
            "POST" when call.Path.EndsWith("/_search", StringComparison.Ordinal) => "search.request",
            "POST" when call.Path.EndsWith("/_count", StringComparison.Ordinal) => "count.request",
            _ => null,
        };
        if (schema is not null)
        {
            foreach (var error in ElasticsearchContractTests.Validate(schema, call.Body))
            {
                _schemaErrors.Enqueue($"{call.Method} {call.Path}: {error}");
            }
        }

        if (call.Path.EndsWith("/_bulk", StringComparison.Ordinal))
        {
            if (!call.Body.EndsWith('\n'))
            {
                _schemaErrors.Enqueue($"bulk body does not end with a newline: {call.Body[Math.Max(0, call.Body.Length - 200)..]}");
            }

            var lines = call.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var error in ElasticsearchContractTests.Validate("bulk.action", lines[i]))
                {
                    _schemaErrors.Enqueue($"bulk line {i}: {error}");
                }

                if (!lines[i].StartsWith("{\"delete\"", StringComparison.Ordinal))
                {
                    i++;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
