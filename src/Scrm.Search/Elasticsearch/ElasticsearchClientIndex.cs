using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// The index on an Elasticsearch cluster through the official client, behind an alias over versioned
/// concrete indices (<c>{alias}-vN</c>) so a rebuild fills a new index and then moves the alias without
/// downtime. The client handles nodes, failover, credentials, TLS and serialization; this class adds
/// back-pressure (retries with exponential backoff and jitter on 429/502/503/504 and on no answer),
/// per-document bulk outcomes and the mapping between the search model and the client's.
/// </summary>
internal sealed partial class ElasticsearchClientIndex : IIndexBackend, IDisposable
{
    private readonly ElasticsearchClient _client;
    private readonly ElasticsearchOptions _options;
    private readonly TimeSpan _facetOffset;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _ensure = new(1, 1);
    private readonly ResiliencePipeline<TransportResponse> _calls;
    private readonly ResiliencePipeline<List<PendingWrite>> _itemRetries;
    private volatile bool _ready;
    private volatile bool _marksReady;

    public ElasticsearchClientIndex(ElasticsearchClient client, IOptions<ElasticsearchOptions> options, IOptions<SearchOptions> search, TimeProvider time, ILogger<ElasticsearchClientIndex> log)
    {
        _client = client;
        _options = options.Value;
        _facetOffset = search.Value.FacetOffset;
        _log = log;
        var calls = new ResiliencePipelineBuilder<TransportResponse> { TimeProvider = time };
        var items = new ResiliencePipelineBuilder<List<PendingWrite>> { TimeProvider = time };
        if (_options.MaxRetries > 0)
        {
            calls.AddRetry(new RetryStrategyOptions<TransportResponse>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } r && IsTransient(r)),
                MaxRetryAttempts = _options.MaxRetries,
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(_log, args.AttemptNumber + 1, args.Outcome.Result?.ApiCallDetails.HttpStatusCode ?? 0, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
            items.AddRetry(new RetryStrategyOptions<List<PendingWrite>>
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

        _calls = calls.Build();
        _itemRetries = items.Build();
    }

    public string Alias => _options.Index;

    /// <summary>The index has word subfields (<see cref="ElasticsearchOptions.WordAnalyzer"/>).</summary>
    private bool Words => !string.IsNullOrEmpty(_options.WordAnalyzer);

    /// <summary>The feeds' marks live in a small index of their own beside the versioned ones, so a rebuild keeps them.</summary>
    private string MarksIndex => Alias + "-marks";

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
        await BulkAsync([.. ids.Select(id => new PendingWrite("delete", id, null, 128))], Alias, [], cancellationToken);
    }

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        if (ClientQueries.Match(query.Text, query.Filter, query.MatchContacts, Words) is not { } match)
        {
            return new SearchResult([], 0, true, SearchFacets.Empty, null, false, []);
        }

        if (query.After is null)
        {
            var request = ClientQueries.Search(Alias, query, match, _options.TrackTotalHitsUpTo, _facetOffset);
            var response = await CallAsync("search", ct => _client.SearchAsync<EsDocument>(request, ct), cancellationToken);
            ThrowIfIndexMissing(response);
            EnsureSuccess(response, "search");
            return ClientResults.ToResult(response, query);
        }

        return await SearchInPointInTimeAsync(query, match, cancellationToken);
    }

    /// <summary>
    /// The second and later pages read one point in time (opened for the second page, carried in the
    /// cursor, closed after the last page), so documents written meanwhile neither shift nor repeat hits.
    /// A point in time that has lapsed is replaced by a fresh one, from the same position.
    /// </summary>
    private async Task<SearchResult> SearchInPointInTimeAsync(SearchQuery query, Query match, CancellationToken cancellationToken)
    {
        var pit = query.After!.PointInTime ?? await OpenPointInTimeAsync(cancellationToken);
        var response = await SearchPageAsync(pit);
        if (query.After.PointInTime is not null && IsPointInTimeMissing(response))
        {
            LogPointInTimeLapsed(_log);
            pit = await OpenPointInTimeAsync(cancellationToken);
            response = await SearchPageAsync(pit);
        }

        ThrowIfIndexMissing(response);
        EnsureSuccess(response, "search");
        var result = ClientResults.ToResult(response, query);
        if (result.Next is null)
        {
            await ClosePointInTimeAsync(response.PitId ?? pit);
            return result;
        }

        return result with { Next = result.Next with { PointInTime = response.PitId ?? pit } };

        Task<SearchResponse<EsDocument>> SearchPageAsync(string id)
        {
            var request = ClientQueries.Search(Alias, query, match, _options.TrackTotalHitsUpTo, _facetOffset, new PointInTimeReference { Id = id, KeepAlive = _options.PointInTimeKeepAlive });
            return CallAsync("search", ct => _client.SearchAsync<EsDocument>(request, ct), cancellationToken);
        }
    }

    private async Task<string> OpenPointInTimeAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync("open point in time", ct => _client.OpenPointInTimeAsync(new OpenPointInTimeRequest(Alias) { KeepAlive = _options.PointInTimeKeepAlive }, ct), cancellationToken);
        ThrowIfIndexMissing(response);
        EnsureSuccess(response, "open point in time");
        return response.Id;
    }

    /// <summary>Frees the snapshot after the last page; if that fails it lapses after its keep-alive anyway.</summary>
    private async Task ClosePointInTimeAsync(string id)
    {
        try
        {
            var response = await _client.ClosePointInTimeAsync(new ClosePointInTimeRequest { Id = id }, CancellationToken.None);
            if (!response.ApiCallDetails.HasSuccessfulStatusCode && response.ApiCallDetails.HttpStatusCode != 404)
            {
                LogPointInTimeNotClosed(_log, response.ApiCallDetails.HttpStatusCode ?? 0);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPointInTimeNotClosed(_log, 0);
        }
    }

    /// <summary>Elasticsearch no longer has the point in time: its keep-alive passed, or the node holding it restarted.</summary>
    private static bool IsPointInTimeMissing(ElasticsearchResponse response) =>
        response.ApiCallDetails.HttpStatusCode == 404
        && response.ElasticsearchServerError?.Error is { } error
        && (error.Type == "search_context_missing_exception" || error.RootCause?.Any(c => c.Type == "search_context_missing_exception") == true);

    public async Task<long> CountAsync(string? text, SearchFilter filter, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        if (ClientQueries.Match(text, filter, matchContacts: false) is not { } match)
        {
            return 0;
        }

        var response = await CallAsync("count", ct => _client.CountAsync(ClientQueries.Count(Alias, match), ct), cancellationToken);
        ThrowIfIndexMissing(response);
        EnsureSuccess(response, "count");
        return response.Count;
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        await RefreshAsync(Alias, cancellationToken);
    }

    private async Task RefreshAsync(string index, CancellationToken cancellationToken) =>
        EnsureSuccess(await CallAsync("refresh", ct => _client.Indices.RefreshAsync(new RefreshRequest(index), ct), cancellationToken), "refresh");

    public async Task<IRebuildTarget> BeginRebuildAsync(CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        var current = await ConcreteIndicesAsync(cancellationToken);
        var next = $"{Alias}-v{current.Select(Version).DefaultIfEmpty(0).Max() + 1}";
        await CreateAsync(ClientMapping.Create(next, _options, writeAlias: null), cancellationToken);
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
                    await CreateAsync(ClientMapping.Create($"{Alias}-v1", _options, Alias), cancellationToken);
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
        var response = await CallAsync("get alias", ct => _client.Indices.GetAliasAsync(new GetAliasRequest(Names.Parse(Alias)), ct), cancellationToken);
        if (response.ApiCallDetails.HttpStatusCode == 404)
        {
            return [];
        }

        EnsureSuccess(response, "get alias");
        return [.. (response.Aliases?.Keys ?? []).Select(k => k.ToString()).Order(StringComparer.Ordinal)];
    }

    /// <summary>Removes every concrete index behind the alias and the marks index (test clusters).</summary>
    internal async Task DropAsync(CancellationToken cancellationToken)
    {
        foreach (var index in (await ConcreteIndicesAsync(cancellationToken)).Append(MarksIndex))
        {
            await _client.Indices.DeleteAsync(new DeleteIndexRequest(index), cancellationToken);
        }
    }

    public async Task<string?> ReadMarkAsync(string feed, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        var response = await CallAsync("get mark", ct => _client.GetAsync<EsMark>(new GetRequest(MarksIndex, feed), ct), cancellationToken);
        if (response.ApiCallDetails.HttpStatusCode == 404)
        {
            return null;
        }

        EnsureSuccess(response, "get mark");
        return response.Found ? response.Source?.Mark : null;
    }

    public async Task SaveMarkAsync(string feed, string mark, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        if (!_marksReady)
        {
            await CreateAsync(ClientMapping.Marks(MarksIndex), cancellationToken);
            _marksReady = true;
        }

        var response = await CallAsync("save mark", ct => _client.IndexAsync(new IndexRequest<EsMark>(new EsMark(mark), MarksIndex, feed), ct), cancellationToken);
        EnsureSuccess(response, "save mark");
    }

    private async Task CreateAsync(CreateIndexRequest request, CancellationToken cancellationToken)
    {
        var response = await CallAsync("create index", ct => _client.Indices.CreateAsync(request, ct), cancellationToken);
        if (!response.ApiCallDetails.HasSuccessfulStatusCode && response.ElasticsearchServerError?.Error?.Type != "resource_already_exists_exception")
        {
            throw new InvalidOperationException($"Elasticsearch refused to create index {request.Index}: {ClientResults.Describe(response.ElasticsearchServerError?.Error)}");
        }
    }

    private async Task<IndexWriteResult> WriteAsync(IReadOnlyList<SearchDocument> documents, string action, string index, CancellationToken cancellationToken)
    {
        await EnsureIndexAsync(cancellationToken);
        var rejected = new List<RejectedDocument>();
        var writes = new List<PendingWrite>(documents.Count);
        foreach (var given in documents)
        {
            var (document, reason) = DocumentRules.Prepare(given);
            if (document is null)
            {
                rejected.Add(new RejectedDocument(given.Id, reason!));
            }
            else
            {
                writes.Add(new PendingWrite(action, document.Id, EsDocument.From(document), EsDocument.EstimatedBytes(document)));
            }
        }

        var written = await BulkAsync(writes, index, rejected, cancellationToken);
        return new IndexWriteResult(written, rejected);
    }

    /// <summary>Sends the writes in bodies of at most the configured size; returns how many are done, adding the refused ones to <paramref name="rejected"/>.</summary>
    private async Task<int> BulkAsync(List<PendingWrite> writes, string index, List<RejectedDocument> rejected, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var chunk in Chunk(writes, _options.BulkMaxBytes))
        {
            written += await SendChunkAsync(chunk, index, rejected, cancellationToken);
        }

        return written;
    }

    /// <summary>Splits writes into bodies of at most <paramref name="maxBytes"/> (estimated; a write larger than that goes alone).</summary>
    internal static List<List<PendingWrite>> Chunk(IReadOnlyList<PendingWrite> writes, int maxBytes)
    {
        var chunks = new List<List<PendingWrite>>();
        var current = new List<PendingWrite>();
        var size = 0;
        foreach (var write in writes)
        {
            if (current.Count > 0 && size + write.Bytes > maxBytes)
            {
                chunks.Add(current);
                current = [];
                size = 0;
            }

            current.Add(write);
            size += write.Bytes;
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        return chunks;
    }

    private async Task<int> SendChunkAsync(List<PendingWrite> chunk, string index, List<RejectedDocument> rejected, CancellationToken cancellationToken)
    {
        var written = 0;
        var pending = chunk;
        var remaining = await _itemRetries.ExecuteAsync(async ct =>
        {
            var request = new BulkRequest(index) { Operations = [.. pending.Select(w => w.Operation())] };
            var response = await CallAsync("bulk", t => _client.BulkAsync(request, t), ct);
            if (response.ApiCallDetails.HttpStatusCode == 413)
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

            if (!response.ApiCallDetails.HasSuccessfulStatusCode)
            {
                EnsureSuccess(response, "bulk");
            }

            var items = response.Items?.ToList()
                ?? throw new InvalidOperationException($"Elasticsearch's bulk answer could not be read: {response.ApiCallDetails.OriginalException?.GetBaseException().Message}");
            if (items.Count != pending.Count)
            {
                throw new InvalidOperationException($"Elasticsearch answered {items.Count} bulk items for {pending.Count} operations.");
            }

            var retry = new List<PendingWrite>();
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                switch (BulkOutcomes.Classify(pending[i].Action, item.Status))
                {
                    case BulkItemOutcome.Done or BulkItemOutcome.AlreadyIndexed:
                        written++;
                        break;
                    case BulkItemOutcome.Retry:
                        retry.Add(pending[i]);
                        break;
                    default:
                        rejected.Add(new RejectedDocument(pending[i].Id, $"HTTP {item.Status}: {(item.Error is null ? item.Result ?? "no reason given" : ClientResults.Describe(item.Error))}"));
                        LogDeadLettered(_log, pending[i].Id, item.Status, item.Error?.Type ?? "");
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

    /// <summary>Calls the client, again on 429/502/503/504 or no answer; what is still transient after the retries is <see cref="SearchUnavailableException"/>.</summary>
    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : TransportResponse
    {
        var response = (T)await _calls.ExecuteAsync(async ct => (TransportResponse)await call(ct), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (IsTransient(response))
        {
            var details = response.ApiCallDetails;
            throw details.HttpStatusCode is { } status
                ? new SearchUnavailableException($"Elasticsearch answered {status} to {what} after {_options.MaxRetries} retries.")
                : new SearchUnavailableException($"Elasticsearch did not answer {what}: {details.OriginalException?.Message}", details.OriginalException);
        }

        return response;
    }

    private static bool IsTransient(TransportResponse response) =>
        response.ApiCallDetails.HttpStatusCode is null or 429 or 502 or 503 or 504;

    /// <summary>The alias vanished (deleted by hand): answer "unavailable" and create it again on the next call.</summary>
    private void ThrowIfIndexMissing(ElasticsearchResponse response)
    {
        if (response.ApiCallDetails.HttpStatusCode == 404 && response.ElasticsearchServerError?.Error?.Type == "index_not_found_exception")
        {
            _ready = false;
            throw new SearchUnavailableException($"Elasticsearch has no index behind alias {Alias}; it is created again on the next request.");
        }
    }

    private static void EnsureSuccess(ElasticsearchResponse response, string what)
    {
        var details = response.ApiCallDetails;
        if (details.HasSuccessfulStatusCode)
        {
            return;
        }

        var status = details.HttpStatusCode ?? 0;
        var error = ClientResults.Describe(response.ElasticsearchServerError?.Error);
        if (status >= 500)
        {
            throw new SearchUnavailableException($"Elasticsearch {what} failed with {status}: {error}");
        }

        throw new InvalidOperationException($"Elasticsearch refused the {what} request ({status}): {error}");
    }

    private int Version(string index) =>
        index.StartsWith(Alias + "-v", StringComparison.Ordinal) && int.TryParse(index.AsSpan(Alias.Length + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    public void Dispose() => _ensure.Dispose();

    /// <summary>One document write (or delete) waiting for the cluster, with its estimated size in a bulk body.</summary>
    internal sealed record PendingWrite(string Action, string Id, EsDocument? Document, int Bytes)
    {
        public IBulkOperation Operation() => Action switch
        {
            "create" => new BulkCreateOperation<EsDocument>(Document!) { Id = Id },
            "index" => new BulkIndexOperation<EsDocument>(Document!) { Id = Id },
            _ => new BulkDeleteOperation(Id),
        };
    }

    /// <summary>Fills the new index, then moves the alias to it in one atomic <c>_aliases</c> call.</summary>
    private sealed class AliasSwap(ElasticsearchClientIndex owner, string next, List<string> current) : IRebuildTarget
    {
        public Task<IndexWriteResult> WriteAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
            owner.WriteAsync(documents, "index", next, cancellationToken);

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            await owner.RefreshAsync(next, cancellationToken);
            var actions = new List<IndexUpdateAliasesAction>();
            foreach (var index in current)
            {
                actions.Add(new IndexUpdateAliasesAction { Remove = new RemoveAction { Index = index, Alias = owner.Alias } });
            }

            actions.Add(new IndexUpdateAliasesAction { Add = new AddAction { Index = next, Alias = owner.Alias, IsWriteIndex = true } });
            var response = await owner.CallAsync("update aliases", ct => owner._client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest { Actions = actions }, ct), cancellationToken);
            EnsureSuccess(response, "update aliases");
            var previous = string.Join(", ", current);
            LogSwapped(owner._log, owner.Alias, next, previous);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A search cursor's point in time had lapsed; the page was read from a fresh one")]
    private static partial void LogPointInTimeLapsed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Elasticsearch did not close a point in time (status {Status}); it lapses after its keep-alive")]
    private static partial void LogPointInTimeNotClosed(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Elasticsearch index behind alias {Alias}")]
    private static partial void LogCreated(ILogger logger, string alias);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilding into Elasticsearch index {Index}")]
    private static partial void LogRebuildIndex(ILogger logger, string index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alias {Alias} now points at {Index}; the previous index ({Previous}) is kept for rollback and can be deleted")]
    private static partial void LogSwapped(ILogger logger, string alias, string index, string previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Elasticsearch request retried (attempt {Attempt}, status {Status}) in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, int status, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {Count} bulk item(s) refused with 429/503 (attempt {Attempt})")]
    private static partial void LogItemRetry(ILogger logger, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Elasticsearch refused document {Id} with {Status} {ErrorType}; it is dead-lettered")]
    private static partial void LogDeadLettered(ILogger logger, string id, int status, string errorType);
}
