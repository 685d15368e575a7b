using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Scrm.Search.Elasticsearch;

/// <summary>A response as the adapter needs it: the status and the raw body.</summary>
internal readonly record struct EsResponse(HttpStatusCode Status, byte[] Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// HTTP to the cluster: REST compatibility headers on both sides, credentials, and a Polly pipeline
/// (per-attempt timeout; retries with exponential backoff and jitter on 429/502/503/504, timeouts and
/// connection failures). What still fails after the retries is <see cref="SearchUnavailableException"/>.
/// </summary>
internal sealed partial class EsTransport
{
    private readonly HttpClient _http;
    private readonly ElasticsearchOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ILogger _log;

    public EsTransport(HttpClient http, ElasticsearchOptions options, TimeProvider time, ILogger<EsTransport> log)
    {
        _http = http;
        _options = options;
        _log = log;
        _http.BaseAddress = new Uri(options.Url.TrimEnd('/') + "/");
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _authorization = !string.IsNullOrEmpty(options.ApiKey)
            ? new AuthenticationHeaderValue("ApiKey", options.ApiKey)
            : !string.IsNullOrEmpty(options.Username)
                ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")))
                : null;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(_log, args.AttemptNumber + 1, (int?)args.Outcome.Result?.StatusCode ?? 0, args.RetryDelay.TotalMilliseconds);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = builder.AddTimeout(options.RequestTimeout).Build();
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    public const string JsonMediaType = "application/vnd.elasticsearch+json; compatible-with=8";

    public const string NdjsonMediaType = "application/vnd.elasticsearch+x-ndjson; compatible-with=8";

    /// <summary>Sends one request (again on transient failures) and reads the whole answer.</summary>
    public async Task<EsResponse> SendAsync(HttpMethod method, string path, byte[]? body, bool ndjson, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = await _pipeline.ExecuteAsync(async ct => await SendOnceAsync(method, path, body, ndjson, ct), cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (IsTransient(response.StatusCode))
            {
                throw new SearchUnavailableException($"Elasticsearch answered {(int)response.StatusCode} to {method} {path} after {_options.MaxRetries} retries.");
            }

            return new EsResponse(response.StatusCode, bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            throw new SearchUnavailableException($"Elasticsearch did not answer {method} {path}: {ex.Message}", ex);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, byte[]? body, bool ndjson, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Accept", JsonMediaType);
        request.Headers.Authorization = _authorization;
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ndjson ? NdjsonMediaType : JsonMediaType);
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Elasticsearch request retried (attempt {Attempt}, status {Status}) in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, int status, double delayMs);
}
