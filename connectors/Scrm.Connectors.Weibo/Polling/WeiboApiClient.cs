using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Scrm.Connectors.Weibo.Accounts;
using Scrm.Connectors.Weibo.Mentions;

namespace Scrm.Connectors.Weibo.Polling;

/// <summary>An error Weibo answered: its code, and whether waiting and asking again can help.</summary>
internal sealed class WeiboApiException(int statusCode, int errorCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public int ErrorCode { get; } = errorCode;

    /// <summary>10022–10024: IP, user, or user-per-API rate limit; or HTTP 429.</summary>
    public bool RateLimited => ErrorCode is 10022 or 10023 or 10024 || StatusCode == 429;

    /// <summary>Rate limits, Weibo's own errors (1xxxx system codes) and 5xx; not bad tokens or requests.</summary>
    public bool Transient => RateLimited || StatusCode >= 500 || ErrorCode is 10001 or 10009 or 10010 or 10011 or 10012;
}

/// <summary>
/// Reads one page of a feed. Errors and rate limits are retried with exponential backoff and
/// jitter (Polly); a rate limit starts from a longer delay, since Weibo counts requests per hour.
/// </summary>
internal sealed class WeiboApiClient
{
    public const string HttpClientName = "weibo-api";

    private readonly IHttpClientFactory _clients;
    private readonly ResiliencePipeline _pipeline;

    public WeiboApiClient(IHttpClientFactory clients, IOptions<WeiboOptions> options, TimeProvider time)
    {
        _clients = clients;
        var o = options.Value;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutException>()
                    .Handle<WeiboApiException>(e => e.Transient),
                MaxRetryAttempts = Math.Max(1, o.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryDelay,
                MaxDelay = TimeSpan.FromMinutes(10),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Exception is WeiboApiException { RateLimited: true }
                    ? Jitter(o.RateLimitDelay * Math.Pow(2, args.AttemptNumber))
                    : null),
            })
            .Build();
        _retries = o.MaxRetries;
    }

    private readonly int _retries;

    /// <summary>One page of the feed, newest first, with ids above <paramref name="sinceId"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> PageAsync(string accessToken, WeiboFeed feed, long sinceId, int count, int page, CancellationToken cancellationToken)
    {
        var path = feed == WeiboFeed.Mentions ? "2/statuses/mentions.json" : "2/comments/to_me.json";
        var uri = string.Create(CultureInfo.InvariantCulture,
            $"{path}?access_token={Uri.EscapeDataString(accessToken)}&since_id={sinceId}&count={count}&page={page}");
        var pipeline = _retries == 0 ? ResiliencePipeline.Empty : _pipeline;
        return await pipeline.ExecuteAsync(async ct => await FetchAsync(uri, feed, ct), cancellationToken);
    }

    private async Task<IReadOnlyList<JsonElement>> FetchAsync(string uri, WeiboFeed feed, CancellationToken cancellationToken)
    {
        using var response = await _clients.CreateClient(HttpClientName).GetAsync(uri, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            throw new WeiboApiException((int)response.StatusCode, 0, $"Weibo answered HTTP {(int)response.StatusCode} without JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode || root.TryGetProperty("error_code", out _))
            {
                var code = root.TryGetProperty("error_code", out var c) && c.TryGetInt32(out var v) ? v : 0;
                throw new WeiboApiException((int)response.StatusCode, code,
                    $"Weibo answered HTTP {(int)response.StatusCode} with error {code}.");
            }

            var name = feed == WeiboFeed.Mentions ? "statuses" : "comments";
            return root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(e => e.Clone()).ToList()
                : throw new WeiboApiException((int)HttpStatusCode.OK, 0, $"Weibo's answer has no {name} list.");
        }
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
}
