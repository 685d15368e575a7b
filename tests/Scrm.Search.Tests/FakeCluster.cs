using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Scrm.Search.Tests;

/// <summary>
/// Elasticsearch's behaviour for the part of the REST API the product uses, kept in memory behind
/// <see cref="FakeElasticsearch"/>: indices made from their create-index body (analysis chains built
/// from the Lucene components Elasticsearch names: <c>standard</c>, <c>cjk_width</c>, <c>lowercase</c>,
/// <c>cjk_bigram</c>, <c>porter_stem</c>; the <c>smartcn</c> plugin's analyser when <see cref="Plugins"/> has it), aliases,
/// strict mappings, bulk writes, <c>bool</c>/<c>match_phrase</c>/<c>match</c>/<c>term</c>/<c>terms</c>/
/// <c>range</c>/<c>exists</c>/<c>match_all</c> queries, highlights, <c>terms</c> and
/// <c>date_histogram</c> aggregations, sorts with <c>search_after</c>, counts and points in time.
/// Answers have the shape of the kit's recorded examples. What it does not evaluate is refused with
/// 400 and reported, never guessed. Writes are visible at once, as if every write asked for a refresh;
/// scores are simple (boost times phrase frequency), and fragments are cut around the first match.
/// </summary>
public sealed class FakeCluster
{
    private static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeIndex> _indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, bool>> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pit> _pits = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Analysis plugins the cluster has: <c>smartcn</c> (Lucene's Chinese word segmenter, which that plugin wraps). Without it, its analyser is refused.</summary>
    public HashSet<string> Plugins { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests the fake could not evaluate faithfully (also answered 400).</summary>
    public List<string> Unsupported { get; } = [];

    public IReadOnlyCollection<string> OpenPits
    {
        get
        {
            lock (_lock)
            {
                return [.. _pits.Keys];
            }
        }
    }

    /// <summary>Lets every open point in time lapse, as when its keep-alive passes.</summary>
    public void ExpirePits()
    {
        lock (_lock)
        {
            _pits.Clear();
        }
    }

    /// <summary>The answer to <paramref name="call"/>, or null for calls this cluster leaves to the default answers (the root ping).</summary>
    public (int Status, string Body)? Answer(EsCall call)
    {
        lock (_lock)
        {
            try
            {
                return Route(call);
            }
            catch (UnsupportedException ex)
            {
                Unsupported.Add($"{call.Method} {call.Path}: {ex.Message}");
                return Error(400, "parsing_exception", ex.Message);
            }
            catch (ClusterError ex)
            {
                return (ex.Status, ex.Body);
            }
        }
    }

    private (int, string)? Route(EsCall call)
    {
        var path = call.Path.Trim('/');
        var parts = path.Length == 0 ? [] : path.Split('/');
        var body = call.Body.Length == 0 || parts is [.., "_bulk"] ? null : JsonNode.Parse(call.Body);
        return (call.Method, parts) switch
        {
            (_, []) => null,
            ("GET", ["_alias", var alias]) => GetAlias(alias),
            ("POST", ["_aliases"]) => UpdateAliases(body!),
            ("DELETE", ["_pit"]) => ClosePit(body!),
            ("POST" or "GET", ["_search"]) => Search(null, body, call.Query),
            ("PUT", [var index]) => Create(index, body),
            ("DELETE", [var index]) => Delete(index),
            ("POST" or "PUT", [var target, "_bulk"]) => Bulk(target, call.Body),
            ("POST" or "GET", [var target, "_search"]) => Search(target, body, call.Query),
            ("POST" or "GET", [var target, "_count"]) => Count(target, body),
            ("POST" or "GET", [var target, "_refresh"]) => Ok(ElasticsearchContractTests.Example("indices.refresh.response.1.json")),
            ("POST", [var target, "_pit"]) => OpenPit(target, call.Query),
            ("PUT" or "POST", [var target, "_doc", var id]) => Put(target, Uri.UnescapeDataString(id), (JsonObject)body!),
            ("GET", [var target, "_doc", var id]) => Get(target, Uri.UnescapeDataString(id)),
            _ => throw new UnsupportedException($"the fake cluster does not serve {call.Method} /{path}"),
        };
    }

    private static (int, string) Ok(string body) => (200, body);

    private static (int, string) Error(int status, string type, string reason, string? index = null)
    {
        var error = new JsonObject { ["type"] = type, ["reason"] = reason };
        if (index is not null)
        {
            error["index"] = index;
        }

        var root = new JsonObject { ["root_cause"] = new JsonArray(error.DeepClone()) };
        foreach (var (k, v) in error)
        {
            root[k] = v?.DeepClone();
        }

        return (status, new JsonObject { ["error"] = root, ["status"] = status }.ToJsonString());
    }

    private static JsonObject Shards(int total = 1) => new() { ["total"] = total, ["successful"] = total, ["skipped"] = 0, ["failed"] = 0 };

    // ---- indices and aliases

    private (int, string) Create(string name, JsonNode? body)
    {
        if (_indices.ContainsKey(name) || _aliases.ContainsKey(name))
        {
            return (400, ElasticsearchContractTests.Example("indices.create.response.2.json").Replace("crm-mentions-v1", name, StringComparison.Ordinal));
        }

        var settings = body?["settings"] as JsonObject;
        var analysis = (settings?["analysis"] ?? settings?["index"]?["analysis"]) as JsonObject;
        var analyzers = new Dictionary<string, Analyzer>(StringComparer.Ordinal);
        foreach (var (analyzerName, definition) in analysis?["analyzer"] as JsonObject ?? [])
        {
            analyzers[analyzerName] = BuildAnalyzer(analyzerName, definition!);
        }

        if (analysis?.Any(a => a.Key != "analyzer") == true)
        {
            throw new UnsupportedException("only analysis.analyzer definitions are evaluated");
        }

        var mappings = body?["mappings"] as JsonObject;
        var index = new FakeIndex(name, mappings?["dynamic"]?.ToString() == "strict");
        foreach (var (field, definition) in mappings?["properties"] as JsonObject ?? [])
        {
            AddField(index, field, (JsonObject)definition!, analyzers);
        }

        _indices[name] = index;
        foreach (var (alias, definition) in body?["aliases"] as JsonObject ?? [])
        {
            Alias(alias)[name] = definition?["is_write_index"]?.GetValue<bool>() ?? false;
        }

        return Ok(new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = name }.ToJsonString());
    }

    private Dictionary<string, bool> Alias(string alias)
    {
        if (!_aliases.TryGetValue(alias, out var members))
        {
            _aliases[alias] = members = new Dictionary<string, bool>(StringComparer.Ordinal);
        }

        return members;
    }

    private Analyzer BuildAnalyzer(string name, JsonNode definition)
    {
        var type = definition["type"]?.ToString() ?? "custom";
        if (type == "custom")
        {
            var tokenizer = definition["tokenizer"]?.ToString() ?? throw new ClusterError(Error(400, "illegal_argument_exception", $"analyzer [{name}] must specify either an analyzer type, or a tokenizer"));
            var filters = (definition["filter"] as JsonArray)?.Select(f => f!.ToString()).ToArray() ?? [];
            foreach (var filter in filters.Where(f => f is not ("cjk_width" or "lowercase" or "cjk_bigram" or "porter_stem")))
            {
                throw new ClusterError(Error(400, "illegal_argument_exception", $"Custom Analyzer [{name}] failed to find filter under name [{filter}]"));
            }

            if (tokenizer != "standard")
            {
                throw new ClusterError(Error(400, "illegal_argument_exception", $"Custom Analyzer [{name}] failed to find tokenizer under name [{tokenizer}]"));
            }

            return new Chain(tokenizer, filters);
        }

        return BuiltIn(type) ?? throw new ClusterError(Error(400, "illegal_argument_exception", $"Unknown analyzer type [{type}] for [{name}]"));
    }

    private Analyzer? BuiltIn(string name) => name switch
    {
        "standard" => new Chain("standard", ["lowercase"]),
        "smartcn" when Plugins.Contains("smartcn") => new Words(),
        _ => null,
    };

    private void AddField(FakeIndex index, string path, JsonObject definition, Dictionary<string, Analyzer> analyzers)
    {
        var type = definition["type"]?.ToString() ?? "object";
        Analyzer? analyzer = null;
        if (type == "text")
        {
            var name = definition["analyzer"]?.ToString() ?? "standard";
            analyzer = analyzers.GetValueOrDefault(name) ?? BuiltIn(name)
                ?? throw new ClusterError(Error(400, "mapper_parsing_exception", $"analyzer [{name}] has not been configured in mappings"));
            if (definition["search_analyzer"] is not null)
            {
                throw new UnsupportedException("search_analyzer is not evaluated");
            }
        }
        else if (type is not ("keyword" or "date" or "long" or "integer" or "double" or "boolean"))
        {
            throw new UnsupportedException($"field type [{type}] is not evaluated");
        }

        index.Fields[path] = new FieldDef(type, analyzer, definition["index"]?.GetValue<bool>() ?? true);
        foreach (var (sub, subDefinition) in definition["fields"] as JsonObject ?? [])
        {
            AddField(index, path + "." + sub, (JsonObject)subDefinition!, analyzers);
            index.Subfields.Add((path, path + "." + sub));
        }
    }

    private (int, string) Delete(string name)
    {
        if (!_indices.Remove(name))
        {
            return IndexMissing(name);
        }

        foreach (var members in _aliases.Values)
        {
            members.Remove(name);
        }

        foreach (var empty in _aliases.Where(a => a.Value.Count == 0).Select(a => a.Key).ToList())
        {
            _aliases.Remove(empty);
        }

        return Ok("""{"acknowledged":true}""");
    }

    private static (int, string) IndexMissing(string name) =>
        Error(404, "index_not_found_exception", $"no such index [{name}]", name);

    private (int, string) GetAlias(string alias)
    {
        if (!_aliases.TryGetValue(alias, out var members))
        {
            return (404, ElasticsearchContractTests.Example("indices.get_alias.response.2.json").Replace("crm-leads", alias, StringComparison.Ordinal));
        }

        var answer = new JsonObject();
        foreach (var (index, write) in members)
        {
            answer[index] = new JsonObject { ["aliases"] = new JsonObject { [alias] = write ? new JsonObject { ["is_write_index"] = true } : new JsonObject() } };
        }

        return Ok(answer.ToJsonString());
    }

    private (int, string) UpdateAliases(JsonNode body)
    {
        foreach (var action in body["actions"]!.AsArray())
        {
            var (verb, spec) = action!.AsObject().Single();
            var index = spec!["index"]!.ToString();
            var alias = spec["alias"]!.ToString();
            if (!_indices.ContainsKey(index))
            {
                return IndexMissing(index);
            }

            switch (verb)
            {
                case "add":
                    Alias(alias)[index] = spec["is_write_index"]?.GetValue<bool>() ?? false;
                    break;
                case "remove":
                    if (!_aliases.TryGetValue(alias, out var members) || !members.Remove(index))
                    {
                        return Error(404, "aliases_not_found_exception", $"aliases [{alias}] missing");
                    }

                    if (members.Count == 0)
                    {
                        _aliases.Remove(alias);
                    }

                    break;
                default:
                    throw new UnsupportedException($"alias action [{verb}] is not evaluated");
            }
        }

        return Ok(ElasticsearchContractTests.Example("indices.update_aliases.response.1.json"));
    }

    /// <summary>The concrete indices a search or count over <paramref name="target"/> reads.</summary>
    private List<FakeIndex> ReadTargets(string target)
    {
        var result = new List<FakeIndex>();
        foreach (var name in target.Split(','))
        {
            if (_indices.TryGetValue(name, out var index))
            {
                result.Add(index);
            }
            else if (_aliases.TryGetValue(name, out var members))
            {
                result.AddRange(members.Keys.Select(m => _indices[m]));
            }
            else
            {
                throw new ClusterError(IndexMissing(name));
            }
        }

        return result;
    }

    /// <summary>The index a write to <paramref name="target"/> goes to: the index itself, or the alias's write index.</summary>
    private FakeIndex? WriteTarget(string target, out (int, string)? error)
    {
        error = null;
        if (_indices.TryGetValue(target, out var index))
        {
            return index;
        }

        if (_aliases.TryGetValue(target, out var members))
        {
            var writes = members.Where(m => m.Value || members.Count == 1).Select(m => m.Key).ToList();
            if (writes.Count == 1)
            {
                return _indices[writes[0]];
            }

            error = Error(400, "illegal_argument_exception", $"no write index is defined for alias [{target}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index");
            return null;
        }

        error = IndexMissing(target);
        return null;
    }

    // ---- documents

    private (int, string) Put(string target, string id, JsonObject source)
    {
        if (WriteTarget(target, out var error) is not { } index)
        {
            return error!.Value;
        }

        if (Parse(index, id, source) is { } refused)
        {
            return Error(400, refused.Type, refused.Reason, index.Name);
        }

        var created = !index.Docs.ContainsKey(id);
        index.Docs[id] = NewDoc(index, id, source);
        return (created ? 201 : 200, WriteResult(index, id, created ? "created" : "updated").ToJsonString());
    }

    private (int, string) Get(string target, string id)
    {
        if (!_indices.TryGetValue(target, out var index))
        {
            return IndexMissing(target);
        }

        var answer = new JsonObject { ["_index"] = index.Name, ["_id"] = id };
        if (index.Docs.TryGetValue(id, out var doc))
        {
            answer["_version"] = 1;
            answer["_seq_no"] = doc.Seq;
            answer["_primary_term"] = 1;
            answer["found"] = true;
            answer["_source"] = doc.Source.DeepClone();
            return Ok(answer.ToJsonString());
        }

        answer["found"] = false;
        return (404, answer.ToJsonString());
    }

    private JsonObject WriteResult(FakeIndex index, string id, string result) => new()
    {
        ["_index"] = index.Name,
        ["_id"] = id,
        ["_version"] = 1,
        ["result"] = result,
        ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 },
        ["_seq_no"] = _sequence,
        ["_primary_term"] = 1,
    };

    private Doc NewDoc(FakeIndex index, string id, JsonObject source)
    {
        var doc = new Doc(id, index.Name, source, ++_sequence);
        foreach (var (field, value) in source)
        {
            Index(index, doc, field, value);
        }

        foreach (var (parent, sub) in index.Subfields)
        {
            if (source[parent] is { } value)
            {
                Index(index, doc, sub, value);
            }
        }

        return doc;
    }

    private static void Index(FakeIndex index, Doc doc, string field, JsonNode? value)
    {
        var def = index.Fields[field];
        var values = value is JsonArray array ? [.. array] : new List<JsonNode?> { value };
        var position = -1;
        var offsetBase = 0;
        foreach (var item in values.Where(v => v is not null))
        {
            switch (def.Type)
            {
                case "text":
                    var text = item!.ToString();
                    foreach (var token in Tokens(def.Analyzer!, text))
                    {
                        doc.Terms(field).Add(token with { Position = position + 1 + token.Position, Start = offsetBase + token.Start, End = offsetBase + token.End });
                    }

                    position = doc.Terms(field).Count == 0 ? position : doc.Terms(field)[^1].Position + 100;
                    offsetBase += text.Length + 1;
                    break;
                case "keyword" or "boolean":
                    doc.Keywords(field).Add(item!.ToString());
                    break;
                default:
                    doc.Numbers(field).Add(item!.GetValue<double>());
                    break;
            }
        }
    }

    private static (string Type, string Reason)? Parse(FakeIndex index, string id, JsonObject source)
    {
        foreach (var (field, value) in source)
        {
            if (!index.Fields.TryGetValue(field, out var def))
            {
                return index.Strict ? ("strict_dynamic_mapping_exception", $"[1:2] mapping set to strict, dynamic introduction of [{field}] within [_doc] is not allowed") : throw new UnsupportedException("dynamic mappings are not evaluated");
            }

            foreach (var item in value is JsonArray array ? [.. array] : new List<JsonNode?> { value })
            {
                var ok = item is null || def.Type switch
                {
                    "text" or "keyword" => item.GetValueKind() == JsonValueKind.String,
                    "boolean" => item.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
                    _ => item.GetValueKind() == JsonValueKind.Number,
                };
                if (!ok)
                {
                    return ("document_parsing_exception", $"[1:2] failed to parse field [{field}] of type [{def.Type}] in document with id '{id}'.");
                }
            }
        }

        return null;
    }

    private (int, string) Bulk(string target, string body)
    {
        var items = new JsonArray();
        var errors = false;
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var (action, meta) = JsonNode.Parse(lines[i])!.AsObject().Single();
            var id = meta!["_id"]!.ToString();
            var source = action is "index" or "create" ? JsonNode.Parse(lines[++i])!.AsObject() : null;
            if (action is not ("index" or "create" or "delete"))
            {
                throw new UnsupportedException($"bulk action [{action}] is not evaluated");
            }

            JsonObject item;
            if (WriteTarget(meta["_index"]?.ToString() ?? target, out var error) is not { } index)
            {
                item = new JsonObject { ["_index"] = target, ["_id"] = id, ["status"] = error!.Value.Item1, ["error"] = JsonNode.Parse(error.Value.Item2)!["error"]!.DeepClone() };
            }
            else if (action == "delete")
            {
                var found = index.Docs.Remove(id);
                item = WriteResult(index, id, found ? "deleted" : "not_found");
                item["status"] = found ? 200 : 404;
            }
            else if (action == "create" && index.Docs.ContainsKey(id))
            {
                item = ItemError(index, id, 409, "version_conflict_engine_exception", $"[{id}]: version conflict, document already exists (current version [1])");
            }
            else if (Parse(index, id, source!) is { } refused)
            {
                item = ItemError(index, id, 400, refused.Type, refused.Reason);
            }
            else
            {
                var created = !index.Docs.ContainsKey(id);
                index.Docs[id] = NewDoc(index, id, source!);
                item = WriteResult(index, id, created ? "created" : "updated");
                item["status"] = created ? 201 : 200;
            }

            errors |= item["error"] is not null;
            items.Add(new JsonObject { [action] = item });
        }

        return Ok(new JsonObject { ["errors"] = errors, ["took"] = 1, ["items"] = items }.ToJsonString());
    }

    private static JsonObject ItemError(FakeIndex index, string id, int status, string type, string reason) => new()
    {
        ["_index"] = index.Name,
        ["_id"] = id,
        ["status"] = status,
        ["error"] = new JsonObject { ["type"] = type, ["reason"] = reason, ["index"] = index.Name },
    };

    // ---- points in time

    private (int, string) OpenPit(string target, string query)
    {
        if (Parameter(query, "keep_alive") is null)
        {
            return Error(400, "action_request_validation_exception", "Validation Failed: 1: [keep_alive] is not specified;");
        }

        var id = Convert.ToBase64String(Encoding.UTF8.GetBytes($"pit:{target}:{Guid.NewGuid():N}"));
        _pits[id] = new Pit(ReadTargets(target).SelectMany(i => i.Docs.Values).OrderBy(d => d.Seq).ToList());
        return Ok(new JsonObject { ["id"] = id, ["_shards"] = Shards() }.ToJsonString());
    }

    private (int, string) ClosePit(JsonNode body)
    {
        var freed = _pits.Remove(body["id"]!.ToString());
        return (freed ? 200 : 404, new JsonObject { ["succeeded"] = true, ["num_freed"] = freed ? 1 : 0 }.ToJsonString());
    }

    private static string? Parameter(string query, string name) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Where(p => p[0] == name).Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "").FirstOrDefault();

    // ---- search

    private (int, string) Count(string target, JsonNode? body)
    {
        var indices = ReadTargets(target);
        var match = Compile(body?["query"], indices);
        var count = indices.SelectMany(i => i.Docs.Values).Count(d => match(d) is not null);
        return Ok(new JsonObject { ["count"] = count, ["_shards"] = Shards() }.ToJsonString());
    }

    private (int, string) Search(string? target, JsonNode? body, string query)
    {
        foreach (var key in (body as JsonObject ?? []).Select(p => p.Key))
        {
            if (key is not ("query" or "size" or "from" or "sort" or "search_after" or "track_total_hits" or "highlight" or "aggs" or "aggregations" or "pit"))
            {
                throw new UnsupportedException($"search body key [{key}] is not evaluated");
            }
        }

        List<Doc> docs;
        List<FakeIndex> indices;
        string? pitId = null;
        if (body?["pit"] is { } pit)
        {
            if (target is not null)
            {
                return Error(400, "action_request_validation_exception", "Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;");
            }

            pitId = pit["id"]!.ToString();
            if (!_pits.TryGetValue(pitId, out var open))
            {
                return SearchContextMissing(pitId);
            }

            docs = open.Docs;
            indices = [.. docs.Select(d => d.Index).Distinct().Select(n => _indices.GetValueOrDefault(n)).OfType<FakeIndex>()];
        }
        else
        {
            indices = ReadTargets(target ?? string.Join(',', _indices.Keys));
            docs = [.. indices.SelectMany(i => i.Docs.Values).OrderBy(d => d.Seq)];
        }

        var match = Compile(body?["query"], indices);
        var hits = new List<(Doc Doc, float Score)>();
        foreach (var doc in docs)
        {
            if (match(doc) is { } score)
            {
                hits.Add((doc, score));
            }
        }

        var sort = Sorts(body?["sort"], pitId is not null);
        var keys = hits.Select((h, n) => (h.Doc, h.Score, Key: sort.Select(s => s.Value(h.Doc, h.Score, n)).ToArray())).ToList();
        keys.Sort((a, b) => Compare(a.Key, b.Key, sort));
        var page = keys.AsEnumerable();
        if (body?["search_after"] is JsonArray after)
        {
            if (after.Count != sort.Count)
            {
                return Error(400, "illegal_argument_exception", $"search_after has {after.Count} value(s) but sort has {sort.Count}.");
            }

            var afterKey = after.Select((v, i) => sort[i].Read(v)).ToArray();
            page = page.Where(k => Compare(k.Key, afterKey, sort) > 0);
        }

        var from = body?["from"]?.GetValue<int>() ?? 0;
        var size = body?["size"]?.GetValue<int>() ?? 10;
        var sortedByScore = sort.Any(s => s.Field == "_score");
        var answerHits = new JsonArray();
        foreach (var (doc, score, key) in page.Skip(from).Take(size))
        {
            var hit = new JsonObject
            {
                ["_index"] = doc.Index,
                ["_id"] = doc.Id,
                ["_score"] = sortedByScore ? score : null,
                ["_source"] = doc.Source.DeepClone(),
            };
            if (body?["highlight"] is JsonObject highlight && Highlight(highlight, body["query"], doc, indices) is { Count: > 0 } fragments)
            {
                hit["highlight"] = fragments;
            }

            if (body?["sort"] is not null)
            {
                hit["sort"] = new JsonArray([.. key.Select(v => v switch { string s => JsonValue.Create(s), float f => JsonValue.Create(f), long l => JsonValue.Create(l), double d => JsonValue.Create((long)d), _ => null })]);
            }

            answerHits.Add(hit);
        }

        var hitsObject = new JsonObject();
        var track = body?["track_total_hits"];
        var limit = track is null ? 10_000 : track.GetValueKind() switch { JsonValueKind.True => int.MaxValue, JsonValueKind.False => -1, _ => track.GetValue<int>() };
        if (limit >= 0)
        {
            hitsObject["total"] = new JsonObject { ["value"] = Math.Min(hits.Count, limit), ["relation"] = hits.Count > limit ? "gte" : "eq" };
        }

        hitsObject["max_score"] = sortedByScore && hits.Count > 0 ? hits.Max(h => h.Score) : null;
        hitsObject["hits"] = answerHits;
        var answer = new JsonObject();
        if (pitId is not null)
        {
            answer["pit_id"] = pitId;
        }

        answer["took"] = 1;
        answer["timed_out"] = false;
        answer["_shards"] = Shards();
        answer["hits"] = hitsObject;
        if ((body?["aggs"] ?? body?["aggregations"]) is JsonObject aggs)
        {
            answer["aggregations"] = Aggregations(aggs, hits.Select(h => h.Doc).ToList(), indices, Parameter(query, "typed_keys") == "true");
        }

        return Ok(answer.ToJsonString());
    }

    private static (int, string) SearchContextMissing(string pitId)
    {
        var reason = $"No search context found for id [{pitId.Length}]";
        var cause = new JsonObject { ["type"] = "search_context_missing_exception", ["reason"] = reason };
        return (404, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["root_cause"] = new JsonArray(cause.DeepClone()),
                ["type"] = "search_phase_execution_exception",
                ["reason"] = "all shards failed",
                ["phase"] = "query",
                ["grouped"] = true,
                ["failed_shards"] = new JsonArray(new JsonObject { ["shard"] = -1, ["index"] = null, ["reason"] = cause }),
            },
            ["status"] = 404,
        }.ToJsonString());
    }

    private sealed record SortSpec(string Field, bool Descending, Func<Doc, float, int, object?> Value, Func<JsonNode?, object?> Read);

    private static List<SortSpec> Sorts(JsonNode? sort, bool pit)
    {
        var specs = new List<SortSpec>();
        foreach (var item in sort is JsonArray array ? [.. array] : sort is null ? [] : new List<JsonNode?> { sort })
        {
            var (field, order) = item!.GetValueKind() == JsonValueKind.String
                ? (item.ToString(), (string?)null)
                : item.AsObject().Single() is var (f, o) ? (f, o!.GetValueKind() == JsonValueKind.String ? o.ToString() : o["order"]?.ToString()) : default;
            if (item.GetValueKind() == JsonValueKind.Object && item.AsObject().Single().Value is JsonObject options && options.Any(p => p.Key != "order"))
            {
                throw new UnsupportedException($"sort options other than order on [{field}] are not evaluated");
            }

            var descending = (order ?? (field == "_score" ? "desc" : "asc")) == "desc";
            specs.Add(field switch
            {
                "_score" => new SortSpec(field, descending, (_, score, _) => score, v => v!.GetValue<float>()),
                "_shard_doc" when pit => new SortSpec(field, descending, (d, _, _) => d.Seq, v => v!.GetValue<long>()),
                "_shard_doc" => throw new ClusterError(Error(400, "illegal_argument_exception", "[_shard_doc] sort field cannot be used without [point in time]")),
                "_doc" => new SortSpec(field, descending, (d, _, _) => d.Seq, v => v!.GetValue<long>()),
                _ => new SortSpec(field, descending, (d, _, _) => d.SortValue(field), v => v!.GetValueKind() == JsonValueKind.String ? v.ToString() : v.GetValue<double>()),
            });
        }

        if (specs.Count == 0)
        {
            specs.Add(new SortSpec("_score", true, (_, score, _) => score, v => v!.GetValue<float>()));
        }

        return specs;
    }

    private static int Compare(object?[] a, object?[] b, List<SortSpec> sort)
    {
        for (var i = 0; i < sort.Count; i++)
        {
            int c;
            if (a[i] is null || b[i] is null)
            {
                // Missing values sort last in either order.
                c = a[i] is null ? (b[i] is null ? 0 : 1) : -1;
            }
            else
            {
                c = (a[i], b[i]) switch
                {
                    (string x, string y) => string.CompareOrdinal(x, y),
                    (float x, float y) => x.CompareTo(y),
                    (long x, long y) => x.CompareTo(y),
                    (var x, var y) => Convert.ToDouble(x, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(y, CultureInfo.InvariantCulture)),
                };
                c = sort[i].Descending ? -c : c;
            }

            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    /// <summary>A query as a function from a document to its score, or null when it does not match.</summary>
    private Func<Doc, float?> Compile(JsonNode? query, List<FakeIndex> indices)
    {
        if (query is null)
        {
            return _ => 1f;
        }

        var (kind, spec) = query.AsObject().Single();
        switch (kind)
        {
            case "match_all":
                var all = Boost(spec);
                return _ => all;
            case "bool":
                return Bool(spec!.AsObject(), indices);
            case "match_phrase":
            case "match":
            {
                var (field, value) = spec!.AsObject().Where(p => p.Key != "boost").Single();
                var text = value!.GetValueKind() == JsonValueKind.Object ? value["query"]!.ToString() : value.ToString();
                var options = value.GetValueKind() == JsonValueKind.Object ? value.AsObject() : [];
                foreach (var option in options.Select(o => o.Key).Where(o => o is not ("query" or "boost" or "slop" or "operator")))
                {
                    throw new UnsupportedException($"{kind} option [{option}] is not evaluated");
                }

                if ((options["slop"]?.GetValue<int>() ?? 0) != 0)
                {
                    throw new UnsupportedException("phrase slop is not evaluated");
                }

                var boost = options["boost"]?.GetValue<float>() ?? 1f;
                var and = options["operator"]?.ToString()?.Equals("and", StringComparison.OrdinalIgnoreCase) ?? false;
                var terms = Analyze(indices, field, text);
                if (terms.Count == 0)
                {
                    return _ => null;
                }

                if (kind == "match_phrase")
                {
                    return d => Phrases(d, field, terms).Count is > 0 and var n ? boost * n : null;
                }

                return d =>
                {
                    var found = terms.Select(t => d.TermsOrEmpty(field).Count(x => x.Term == t.Term)).ToList();
                    return (and ? found.All(f => f > 0) : found.Any(f => f > 0)) ? boost * found.Sum() : null;
                };
            }

            case "term":
            case "terms":
            {
                var (field, value) = spec!.AsObject().Where(p => p.Key != "boost").Single();
                var boost = Boost(spec);
                var wanted = kind == "terms"
                    ? value!.AsArray().Select(v => v!.ToString()).ToHashSet(StringComparer.Ordinal)
                    : [value!.GetValueKind() == JsonValueKind.Object ? value["value"]!.ToString() : value.ToString()];
                if (indices.Any(i => i.Fields.TryGetValue(field, out var f) && f.Type != "keyword"))
                {
                    throw new UnsupportedException($"{kind} on the non-keyword field [{field}] is not evaluated");
                }

                return d => d.KeywordsOrEmpty(field).Any(wanted.Contains) ? boost : null;
            }

            case "range":
            {
                var (field, bounds) = spec!.AsObject().Single();
                foreach (var key in bounds!.AsObject().Select(b => b.Key).Where(k => k is not ("gte" or "gt" or "lte" or "lt")))
                {
                    throw new UnsupportedException($"range option [{key}] is not evaluated");
                }

                double? gte = bounds["gte"]?.GetValue<double>(), gt = bounds["gt"]?.GetValue<double>(), lte = bounds["lte"]?.GetValue<double>(), lt = bounds["lt"]?.GetValue<double>();
                return d => d.NumbersOrEmpty(field).Any(v => !(v < gte) && !(v <= gt) && !(v > lte) && !(v >= lt)) ? 1f : null;
            }

            case "exists":
            {
                var field = spec!["field"]!.ToString();
                return d => d.Has(field) ? 1f : null;
            }

            default:
                throw new UnsupportedException($"query [{kind}] is not evaluated");
        }
    }

    private static float Boost(JsonNode? spec) => spec?["boost"]?.GetValue<float>() ?? 1f;

    private Func<Doc, float?> Bool(JsonObject spec, List<FakeIndex> indices)
    {
        List<Func<Doc, float?>> Clauses(string occur) =>
            spec[occur] switch
            {
                JsonArray a => [.. a.Select(q => Compile(q, indices))],
                JsonObject o => [Compile(o, indices)],
                _ => [],
            };

        foreach (var key in spec.Select(p => p.Key).Where(k => k is not ("must" or "filter" or "should" or "must_not" or "minimum_should_match" or "boost")))
        {
            throw new UnsupportedException($"bool option [{key}] is not evaluated");
        }

        var must = Clauses("must");
        var filter = Clauses("filter");
        var should = Clauses("should");
        var mustNot = Clauses("must_not");
        var minimum = spec["minimum_should_match"] is { } m ? int.Parse(m.ToString(), CultureInfo.InvariantCulture) : must.Count + filter.Count == 0 && should.Count > 0 ? 1 : 0;
        var boost = Boost(spec);
        return d =>
        {
            var score = 0f;
            foreach (var clause in must)
            {
                if (clause(d) is not { } s)
                {
                    return null;
                }

                score += s;
            }

            if (filter.Any(f => f(d) is null) || mustNot.Any(n => n(d) is not null))
            {
                return null;
            }

            var matched = 0;
            foreach (var clause in should)
            {
                if (clause(d) is { } s)
                {
                    matched++;
                    score += s;
                }
            }

            return matched < minimum ? null : score * boost;
        };
    }

    private List<Token> Analyze(List<FakeIndex> indices, string field, string text)
    {
        var def = indices.Select(i => i.Fields.GetValueOrDefault(field)).FirstOrDefault(f => f is not null);
        if (def is null)
        {
            return [];
        }

        if (def.Type != "text")
        {
            throw new UnsupportedException($"full-text queries on the {def.Type} field [{field}] are not evaluated");
        }

        return Tokens(def.Analyzer!, text);
    }

    /// <summary>Where the analysed phrase occurs in the field: character ranges from its first to its last token.</summary>
    private static List<(int Start, int End)> Phrases(Doc doc, string field, List<Token> phrase)
    {
        var found = new List<(int, int)>();
        var terms = doc.TermsOrEmpty(field);
        var first = phrase[0];
        foreach (var start in terms.Where(t => t.Term == first.Term))
        {
            var end = start.End;
            var all = true;
            foreach (var next in phrase.Skip(1))
            {
                var at = terms.FirstOrDefault(t => t.Position == start.Position + next.Position - first.Position && t.Term == next.Term);
                if (at is null)
                {
                    all = false;
                    break;
                }

                end = Math.Max(end, at.End);
            }

            if (all)
            {
                found.Add((start.Start, end));
            }
        }

        return found;
    }

    // ---- highlight and aggregations

    private JsonObject Highlight(JsonObject highlight, JsonNode? query, Doc doc, List<FakeIndex> indices)
    {
        foreach (var key in highlight.Select(p => p.Key).Where(k => k is not ("pre_tags" or "post_tags" or "require_field_match" or "fields")))
        {
            throw new UnsupportedException($"highlight option [{key}] is not evaluated");
        }

        if (highlight["require_field_match"]?.GetValue<bool>() != false)
        {
            throw new UnsupportedException("only require_field_match=false highlights are evaluated");
        }

        var pre = highlight["pre_tags"]?[0]?.ToString() ?? "<em>";
        var post = highlight["post_tags"]?[0]?.ToString() ?? "</em>";
        var phrases = new List<(string Field, string Text)>();
        Positive(query, phrases);
        var result = new JsonObject();
        var fields = highlight["fields"] switch
        {
            JsonArray a => a.SelectMany(f => f!.AsObject()).ToList(),
            JsonObject o => [.. o],
            _ => [],
        };
        foreach (var (field, options) in fields)
        {
            foreach (var key in (options as JsonObject ?? []).Select(p => p.Key).Where(k => k is not ("number_of_fragments" or "fragment_size" or "no_match_size")))
            {
                throw new UnsupportedException($"highlight field option [{key}] is not evaluated");
            }

            var source = field.Split('.')[0];
            if (doc.Source[source]?.GetValueKind() != JsonValueKind.String)
            {
                continue;
            }

            var text = doc.Source[source]!.ToString();
            var size = options?["fragment_size"]?.GetValue<int>() ?? 100;
            var noMatch = options?["no_match_size"]?.GetValue<int>() ?? 0;
            var def = indices.Select(i => i.Fields.GetValueOrDefault(field)).FirstOrDefault(f => f is not null);
            var ranges = new List<(int Start, int End)>();
            foreach (var (queried, phrase) in phrases)
            {
                // With require_field_match=false the terms of a query on any field are looked for in this one.
                var queriedDef = indices.Select(i => i.Fields.GetValueOrDefault(queried)).FirstOrDefault(f => f is not null);
                if (def?.Type == "text" && queriedDef?.Type == "text" && Tokens(queriedDef.Analyzer!, phrase) is { Count: > 0 } terms)
                {
                    ranges.AddRange(Phrases(doc, field, terms));
                }
            }

            if (ranges.Count == 0)
            {
                if (noMatch > 0)
                {
                    result[field] = new JsonArray(text[..Math.Min(text.Length, noMatch)]);
                }

                continue;
            }

            ranges.Sort();
            var from = text.Length <= size ? 0 : Math.Max(0, Math.Min(ranges[0].Start - 20, text.Length - size));
            var to = Math.Min(text.Length, from + Math.Max(size, 1));
            var fragment = new StringBuilder();
            var pos = from;
            for (var i = 0; i < ranges.Count && ranges[i].Start < to; i++)
            {
                var (start, end) = ranges[i];
                // As Elasticsearch's passage formatter: overlapping matches become one marked span.
                while (i + 1 < ranges.Count && ranges[i + 1].Start < end)
                {
                    end = Math.Max(end, ranges[++i].End);
                }

                if (start < pos)
                {
                    continue;
                }

                end = Math.Min(end, to);
                fragment.Append(text, pos, start - pos).Append(pre).Append(text, start, end - start).Append(post);
                pos = end;
            }

            fragment.Append(text, pos, to - pos);
            result[field] = new JsonArray(fragment.ToString());
        }

        return result;
    }

    /// <summary>The full-text clauses that can be highlighted: all but those under <c>must_not</c>.</summary>
    private static void Positive(JsonNode? query, List<(string, string)> into)
    {
        if (query is not JsonObject o || o.Count != 1)
        {
            return;
        }

        var (kind, spec) = o.Single();
        if (kind == "bool")
        {
            foreach (var occur in new[] { "must", "filter", "should" })
            {
                foreach (var clause in spec![occur] switch { JsonArray a => [.. a], JsonObject c => [c], _ => new List<JsonNode?>() })
                {
                    Positive(clause, into);
                }
            }
        }
        else if (kind is "match_phrase" or "match")
        {
            var (field, value) = spec!.AsObject().Where(p => p.Key != "boost").Single();
            into.Add((field, value!.GetValueKind() == JsonValueKind.Object ? value["query"]!.ToString() : value.ToString()));
        }
    }

    private static JsonObject Aggregations(JsonObject aggs, List<Doc> docs, List<FakeIndex> indices, bool typedKeys)
    {
        var result = new JsonObject();
        foreach (var (name, definition) in aggs)
        {
            var (kind, spec) = definition!.AsObject().Single();
            var field = spec!["field"]!.ToString();
            var type = indices.Select(i => i.Fields.GetValueOrDefault(field)?.Type).FirstOrDefault(t => t is not null);
            switch (kind)
            {
                case "terms":
                {
                    foreach (var key in spec.AsObject().Select(p => p.Key).Where(k => k is not ("field" or "size")))
                    {
                        throw new UnsupportedException($"terms option [{key}] is not evaluated");
                    }

                    if (type != "keyword")
                    {
                        throw new UnsupportedException($"terms on the {type} field [{field}] are not evaluated");
                    }

                    var size = spec["size"]?.GetValue<int>() ?? 10;
                    var counts = docs.SelectMany(d => d.KeywordsOrEmpty(field).Distinct()).GroupBy(k => k, StringComparer.Ordinal)
                        .Select(g => (Key: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
                    result[(typedKeys ? "sterms#" : "") + name] = new JsonObject
                    {
                        ["doc_count_error_upper_bound"] = 0,
                        ["sum_other_doc_count"] = counts.Skip(size).Sum(c => c.Count),
                        ["buckets"] = new JsonArray([.. counts.Take(size).Select(c => (JsonNode)new JsonObject { ["key"] = c.Key, ["doc_count"] = c.Count })]),
                    };
                    break;
                }

                case "date_histogram":
                {
                    foreach (var key in spec.AsObject().Select(p => p.Key).Where(k => k is not ("field" or "calendar_interval" or "time_zone" or "format" or "min_doc_count")))
                    {
                        throw new UnsupportedException($"date_histogram option [{key}] is not evaluated");
                    }

                    if (spec["calendar_interval"]?.ToString() is not ("day" or "1d") || (spec["min_doc_count"]?.GetValue<int>() ?? 0) != 1 || type != "date")
                    {
                        throw new UnsupportedException("only daily date histograms with min_doc_count 1 over a date field are evaluated");
                    }

                    var zone = spec["time_zone"]?.ToString() ?? "UTC";
                    var offset = zone == "UTC" ? TimeSpan.Zero : TimeSpan.ParseExact(zone.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture) * (zone.StartsWith('-') ? -1 : 1);
                    var format = spec["format"]?.ToString() ?? "yyyy-MM-dd'T'HH:mm:ss.SSSZ";
                    var days = docs.SelectMany(d => d.NumbersOrEmpty(field).Select(ms => DateTimeOffset.FromUnixTimeMilliseconds((long)ms).ToOffset(offset).Date).Distinct())
                        .GroupBy(d => d).OrderBy(g => g.Key).ToList();
                    var buckets = new JsonArray();
                    foreach (var day in days)
                    {
                        var start = new DateTimeOffset(day.Key, offset);
                        buckets.Add(new JsonObject
                        {
                            ["key_as_string"] = format == "yyyy-MM-dd" ? start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : throw new UnsupportedException($"date format [{format}] is not evaluated"),
                            ["key"] = start.ToUnixTimeMilliseconds(),
                            ["doc_count"] = day.Count(),
                        });
                    }

                    result[(typedKeys ? "date_histogram#" : "") + name] = new JsonObject { ["buckets"] = buckets };
                    break;
                }

                default:
                    throw new UnsupportedException($"aggregation [{kind}] is not evaluated");
            }
        }

        return result;
    }

    // ---- analysis

    private static List<Token> Tokens(Analyzer analyzer, string text)
    {
        var tokens = new List<Token>();
        using var stream = analyzer.GetTokenStream("f", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            tokens.Add(new Token(term.ToString(), position, offset.StartOffset, offset.EndOffset));
        }

        stream.End();
        return tokens;
    }

    /// <summary>A custom analyser: a tokenizer and token filters by their Elasticsearch names.</summary>
    private sealed class Chain(string tokenizer, string[] filters) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            Tokenizer source = tokenizer == "standard" ? new StandardTokenizer(Version, reader) : throw new InvalidOperationException(tokenizer);
            TokenStream stream = source;
            foreach (var filter in filters)
            {
                stream = filter switch
                {
                    "cjk_width" => new CJKWidthFilter(stream),
                    "lowercase" => new LowerCaseFilter(Version, stream),
                    "cjk_bigram" => new CJKBigramFilter(stream),
                    "porter_stem" => new PorterStemFilter(stream),
                    _ => throw new InvalidOperationException(filter),
                };
            }

            return new TokenStreamComponents(source, stream);
        }
    }

    /// <summary>
    /// The smartcn plugin's word segmentation: Lucene's hidden-Markov-model segmenter over the whole text,
    /// keeping words, letters and numbers (lower case, full width folded), dropping punctuation. (The
    /// plugin's own tokenizer first splits sentences with ICU, which needs culture data this process runs without.)
    /// </summary>
    private sealed class Words : Analyzer
    {
        private static readonly global::Lucene.Net.Analysis.Cn.Smart.Hhmm.HHMMSegmenter Segmenter = new();

        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) => new(new WordTokenizer(reader));

        private sealed class WordTokenizer : Tokenizer
        {
            private readonly ICharTermAttribute _term;
            private readonly IOffsetAttribute _offset;
            private List<(string Term, int Start, int End)>? _tokens;
            private int _next;

            public WordTokenizer(TextReader input)
                : base(input)
            {
                _term = AddAttribute<ICharTermAttribute>();
                _offset = AddAttribute<IOffsetAttribute>();
            }

            public override bool IncrementToken()
            {
                ClearAttributes();
                if (_tokens is null)
                {
                    var text = m_input.ReadToEnd();
                    var filter = new global::Lucene.Net.Analysis.Cn.Smart.Hhmm.SegTokenFilter();
                    _tokens = [.. Segmenter.Process(text).Select(filter.Filter)
                        .Where(t => t.WordType is not (global::Lucene.Net.Analysis.Cn.Smart.WordType.SENTENCE_BEGIN or global::Lucene.Net.Analysis.Cn.Smart.WordType.SENTENCE_END or global::Lucene.Net.Analysis.Cn.Smart.WordType.DELIMITER))
                        .Select(t => (new string(t.CharArray).Trim(), t.StartOffset, t.EndOffset))
                        .Where(t => t.Item1.Length > 0 && t.Item1.Any(char.IsLetterOrDigit))];
                }

                if (_next >= _tokens.Count)
                {
                    return false;
                }

                var (term, start, end) = _tokens[_next++];
                _term.SetEmpty().Append(term);
                _offset.SetOffset(CorrectOffset(start), CorrectOffset(end));
                return true;
            }

            public override void Reset()
            {
                base.Reset();
                _tokens = null;
                _next = 0;
            }
        }
    }

    private sealed record Token(string Term, int Position, int Start, int End);

    private sealed record FieldDef(string Type, Analyzer? Analyzer, bool Indexed);

    private sealed class FakeIndex(string name, bool strict)
    {
        public string Name { get; } = name;

        public bool Strict { get; } = strict;

        public Dictionary<string, FieldDef> Fields { get; } = new(StringComparer.Ordinal);

        public List<(string Parent, string Sub)> Subfields { get; } = [];

        public Dictionary<string, Doc> Docs { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Doc(string id, string index, JsonObject source, long seq)
    {
        private readonly Dictionary<string, List<Token>> _terms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _keywords = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<double>> _numbers = new(StringComparer.Ordinal);

        public string Id { get; } = id;

        public string Index { get; } = index;

        public JsonObject Source { get; } = source;

        public long Seq { get; } = seq;

        public List<Token> Terms(string field) => _terms.TryGetValue(field, out var t) ? t : _terms[field] = [];

        public List<string> Keywords(string field) => _keywords.TryGetValue(field, out var k) ? k : _keywords[field] = [];

        public List<double> Numbers(string field) => _numbers.TryGetValue(field, out var n) ? n : _numbers[field] = [];

        public List<Token> TermsOrEmpty(string field) => _terms.GetValueOrDefault(field) ?? [];

        public List<string> KeywordsOrEmpty(string field) => _keywords.GetValueOrDefault(field) ?? [];

        public List<double> NumbersOrEmpty(string field) => _numbers.GetValueOrDefault(field) ?? [];

        public bool Has(string field) => _terms.ContainsKey(field) || _keywords.ContainsKey(field) || _numbers.ContainsKey(field);

        /// <summary>The value a field sort uses: the smallest (ascending) value, like Elasticsearch's default <c>min</c> mode for one value per document.</summary>
        public object? SortValue(string field) =>
            _keywords.TryGetValue(field, out var k) && k.Count > 0 ? k.Min(StringComparer.Ordinal)
            : _numbers.TryGetValue(field, out var n) && n.Count > 0 ? (long)n.Min()
            : _terms.ContainsKey(field) ? throw new ClusterError(Error(400, "illegal_argument_exception", $"Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [{field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory."))
            : null;
    }

    private sealed record Pit(List<Doc> Docs);

    private sealed class UnsupportedException(string message) : Exception(message);

    private sealed class ClusterError((int Status, string Body) answer) : Exception(answer.Body)
    {
        public int Status { get; } = answer.Status;

        public string Body { get; } = answer.Body;
    }
}
