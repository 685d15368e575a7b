using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// The index on an Elasticsearch cluster, through an alias over versioned concrete indices
/// (<c>{alias}-vN</c>) so a rebuild fills a new index and then moves the alias without downtime.
/// </summary>
internal sealed partial class ElasticsearchSearchIndex : IIndexBackend, IDisposable
{
    private readonly EsTransport _transport;
    private readonly ElasticsearchOptions _options;
    private readonly TimeSpan _facetOffset;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _ensure = new(1, 1);
    private readonly ResiliencePipeline<List<BulkOperation>> _itemRetries;
    private volatile bool _ready;
    private volatile bool _marksReady;

    public ElasticsearchSearchIndex(EsTransport transport, IOptions<ElasticsearchOptions> options, IOptions<SearchOptions> search, TimeProvider time, ILogger<ElasticsearchSearchIndex> log)
    {
        _transport = transport;
        _options = options.Value;
        _facetOffset = search.Value.FacetOffset;
        _log = log;
        var builder = new ResiliencePipelineBuilder<List<BulkOperation>> { TimeProvider = time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<List<BulkOperation>>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Count: > 0 }),
                MaxRetryAttempts = _options.MaxRetries,
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogItemRetry(_log, args.Outcome.Result?.Count ?? 0, args.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
            });
        }

        _itemRetries = builder.Build();
    }

    public string Alias => _options.Index;

    public long? WrittenPosition => null;

    public void MarkWritten(long position)
    {
    }

    /// <summary>Journal items never change: <c>create</c> with their id, and a 409 means it is already there.</summary>
    public Task<IndexWriteResult> WriteJournalAsync(IReadOnlyList<SearchDocument> documents, long first, long last, CancellationToken cancellationToken) =>
        AddAsync(documents, cancellationToken);

    public void Reserve(long through)
    {
    }

    public Task<IndexWriteResult> AddAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
        WriteAsync(documents, "create", Alias, cancellationToken);

    public Task<IndexWriteResult> UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
        WriteAsync(documents, "index", Alias, cancellationToken);

    public async Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        await BulkAsync(ids.Select(BulkOperation.Delete).ToList(), Alias, [], cancellationToken);
    }

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        if (EsQueries.Query(query.Text, query.Filter, query.MatchContacts) is not { } match)
        {
            return new SearchResult([], 0, true, SearchFacets.Empty, null, false, []);
        }

        var body = EsQueries.Search(query, match, _options.TrackTotalHitsUpTo, _facetOffset);
        var response = await _transport.SendAsync(HttpMethod.Post, $"{Alias}/_search?typed_keys=true", EsQueries.Serialize(body), false, cancellationToken);
        ThrowIfIndexMissing(response);
        return EsResults.ToResult(Read<EsSearchResponse>(response, "search"), query);
    }

    public async Task<long> CountAsync(string? text, SearchFilter filter, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        if (EsQueries.Query(text, filter, matchContacts: false) is not { } match)
        {
            return 0;
        }

        var response = await _transport.SendAsync(HttpMethod.Post, $"{Alias}/_count", EsQueries.Serialize(EsQueries.Count(match)), false, cancellationToken);
        ThrowIfIndexMissing(response);
        return Read<EsCountResponse>(response, "count").Count;
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        Read<JsonElement>(await _transport.SendAsync(HttpMethod.Post, $"{Alias}/_refresh", null, false, cancellationToken), "refresh");
    }

    public async Task<IRebuildTarget> BeginRebuildAsync(CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        var current = await ConcreteIndicesAsync(cancellationToken);
        var next = $"{Alias}-v{current.Select(Version).DefaultIfEmpty(0).Max() + 1}";
        await CreateIndexAsync(next, writeAlias: null, cancellationToken);
        LogRebuildIndex(_log, next);
        return new AliasSwap(this, next, current);
    }

    /// <summary>Creates <c>{alias}-v1</c> behind the alias the first time the cluster is used.</summary>
    public async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _ensure.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                if ((await ConcreteIndicesAsync(cancellationToken)).Count == 0)
                {
                    await CreateIndexAsync($"{Alias}-v1", Alias, cancellationToken);
                    LogCreated(_log, Alias);
                }


                _ready = true;
            }
        }
        finally
        {
            _ensure.Release();
        }
    }

    internal async Task<List<string>> ConcreteIndicesAsync(CancellationToken cancellationToken)
    {
        var response = await _transport.SendAsync(HttpMethod.Get, $"_alias/{Alias}", null, false, cancellationToken);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return [];
        }

        return Read<Dictionary<string, EsIndexAliases>>(response, "get alias").Keys.Order(StringComparer.Ordinal).ToList();
    }

    private Task CreateIndexAsync(string index, string? writeAlias, CancellationToken cancellationToken) =>
        CreateAsync(index, EsIndexDefinition.CreateBody(_options, writeAlias), cancellationToken);

    /// <summary>The feeds' marks live in a small index of their own beside the versioned ones, so a rebuild keeps them.</summary>
    private string MarksIndex => Alias + "-marks";

    public async Task<string?> ReadMarkAsync(string feed, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        var response = await _transport.SendAsync(HttpMethod.Get, $"{MarksIndex}/_doc/{Uri.EscapeDataString(feed)}", null, false, cancellationToken);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        var document = Read<JsonElement>(response, "get mark");
        return document.TryGetProperty("_source", out var source) && source.TryGetProperty("mark", out var mark) ? mark.GetString() : null;
    }

    public async Task SaveMarkAsync(string feed, string mark, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        if (!_marksReady)
        {
            await CreateAsync(MarksIndex, EsIndexDefinition.MarksBody(), cancellationToken);
            _marksReady = true;
        }

        var body = EsQueries.Serialize(new JsonObject { ["mark"] = mark });
        Read<JsonElement>(await _transport.SendAsync(HttpMethod.Put, $"{MarksIndex}/_doc/{Uri.EscapeDataString(feed)}", body, false, cancellationToken), "save mark");
    }

    private async Task CreateAsync(string index, JsonObject definition, CancellationToken cancellationToken)
    {
        var body = EsQueries.Serialize(definition);
        var response = await _transport.SendAsync(HttpMethod.Put, index, body, false, cancellationToken);
        if (!response.IsSuccess && Error(response)?.Error?.Type != "resource_already_exists_exception")
        {
            throw new InvalidOperationException($"Elasticsearch refused to create index {index}: {Error(response)?.Error}");
        }
    }

    private async Task<IndexWriteResult> WriteAsync(IReadOnlyList<SearchDocument> documents, string action, string index, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        var rejected = new List<RejectedDocument>();
        var operations = new List<BulkOperation>(documents.Count);
        foreach (var given in documents)
        {
            var (document, reason) = DocumentRules.Prepare(given);
            if (document is null)
            {
                rejected.Add(new RejectedDocument(given.Id, reason!));
            }
            else
            {
                operations.Add(BulkOperation.Write(action, document));
            }
        }

        var written = await BulkAsync(operations, index, rejected, cancellationToken);
        return new IndexWriteResult(written, rejected);
    }

    /// <summary>Sends the operations in 5–15 MB bodies; returns how many are done, adding the refused ones to <paramref name="rejected"/>.</summary>
    private async Task<int> BulkAsync(List<BulkOperation> operations, string index, List<RejectedDocument> rejected, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var chunk in EsBulk.Chunk(operations, _options.BulkMaxBytes))
        {
            written += await SendChunkAsync(chunk, index, rejected, cancellationToken);
        }

        return written;
    }

    private async Task<int> SendChunkAsync(List<BulkOperation> chunk, string index, List<RejectedDocument> rejected, CancellationToken cancellationToken)
    {
        var written = 0;
        var pending = chunk;
        var remaining = await _itemRetries.ExecuteAsync(async ct =>
        {
            var response = await _transport.SendAsync(HttpMethod.Post, $"{index}/_bulk", EsBulk.Body(pending), true, ct);
            if (response.Status == HttpStatusCode.RequestEntityTooLarge)
            {
                if (pending.Count == 1)
                {
                    rejected.Add(new RejectedDocument(pending[0].Id, "HTTP 413: the document is larger than the cluster accepts"));
                    return [];
                }

                var half = pending.Count / 2;
                written += await SendChunkAsync(pending[..half], index, rejected, ct);
                written += await SendChunkAsync(pending[half..], index, rejected, ct);
                return [];
            }

            var items = Read<EsBulkResponse>(response, "bulk").Items;
            if (items.Count != pending.Count)
            {
                throw new InvalidOperationException($"Elasticsearch answered {items.Count} bulk items for {pending.Count} operations.");
            }

            var retry = new List<BulkOperation>();
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i].Values.First();
                switch (EsBulk.Classify(pending[i].Action, item.Status ?? 0))
                {
                    case BulkItemOutcome.Done or BulkItemOutcome.AlreadyIndexed:
                        written++;
                        break;
                    case BulkItemOutcome.Retry:
                        retry.Add(pending[i]);
                        break;
                    default:
                        rejected.Add(new RejectedDocument(pending[i].Id, EsBulk.Describe(item)));
                        LogDeadLettered(_log, pending[i].Id, item.Status ?? 0, item.Error?.Type ?? "");
                        break;
                }
            }

            pending = retry;
            return retry;
        }, cancellationToken);

        if (remaining.Count > 0)
        {
            throw new SearchUnavailableException($"Elasticsearch still refused {remaining.Count} bulk item(s) with 429/503 after {_options.MaxRetries} retries.");
        }

        return written;
    }

    /// <summary>The alias vanished (deleted by hand): answer "unavailable" and create it again on the next call.</summary>
    private void ThrowIfIndexMissing(EsResponse response)
    {
        if (response.Status == HttpStatusCode.NotFound && Error(response)?.Error?.Type == "index_not_found_exception")
        {
            _ready = false;
            throw new SearchUnavailableException($"Elasticsearch has no index behind alias {Alias}; it is created again on the next request.");
        }
    }

    private static T Read<T>(EsResponse response, string what)
    {
        if (!response.IsSuccess)
        {
            var error = Error(response)?.Error;
            if ((int)response.Status >= 500)
            {
                throw new SearchUnavailableException($"Elasticsearch {what} failed with {(int)response.Status}: {error}");
            }

            throw new InvalidOperationException($"Elasticsearch refused the {what} request ({(int)response.Status}): {error}");
        }

        return JsonSerializer.Deserialize<T>(response.Body, EsJson.Options)
            ?? throw new InvalidOperationException($"Elasticsearch answered the {what} request with an empty body.");
    }

    private static EsErrorResponse? Error(EsResponse response)
    {
        try
        {
            return JsonSerializer.Deserialize<EsErrorResponse>(response.Body, EsJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private int Version(string index) =>
        index.StartsWith(Alias + "-v", StringComparison.Ordinal) && int.TryParse(index.AsSpan(Alias.Length + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    public void Dispose() => _ensure.Dispose();

    /// <summary>Fills the new index, then moves the alias to it in one atomic <c>_aliases</c> call.</summary>
    private sealed class AliasSwap(ElasticsearchSearchIndex owner, string next, List<string> current) : IRebuildTarget
    {
        public Task<IndexWriteResult> WriteAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
            owner.WriteAsync(documents, "index", next, cancellationToken);

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            Read<JsonElement>(await owner._transport.SendAsync(HttpMethod.Post, $"{next}/_refresh", null, false, cancellationToken), "refresh");
            var actions = new JsonArray();
            foreach (var index in current)
            {
                actions.Add(new JsonObject { ["remove"] = new JsonObject { ["index"] = index, ["alias"] = owner.Alias } });
            }

            actions.Add(new JsonObject { ["add"] = new JsonObject { ["index"] = next, ["alias"] = owner.Alias, ["is_write_index"] = true } });
            var response = await owner._transport.SendAsync(HttpMethod.Post, "_aliases", EsQueries.Serialize(new JsonObject { ["actions"] = actions }), false, cancellationToken);
            Read<EsAcknowledged>(response, "update aliases");
            var previous = string.Join(", ", current);
            LogSwapped(owner._log, owner.Alias, next, previous);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Elasticsearch index behind alias {Alias}")]
    private static partial void LogCreated(ILogger logger, string alias);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilding into Elasticsearch index {Index}")]
    private static partial void LogRebuildIndex(ILogger logger, string index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alias {Alias} now points at {Index}; the previous index ({Previous}) is kept for rollback and can be deleted")]
    private static partial void LogSwapped(ILogger logger, string alias, string index, string previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {Count} bulk item(s) refused with 429/503 (attempt {Attempt})")]
    private static partial void LogItemRetry(ILogger logger, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Elasticsearch refused document {Id} with {Status} {ErrorType}; it is dead-lettered")]
    private static partial void LogDeadLettered(ILogger logger, string id, int status, string errorType);
}
