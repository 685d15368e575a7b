using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Connectors.Sdk.Outbound;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>A Tencent server API's answer (Official Account, WeCom): errcode (0 = ok), errmsg and the JSON for callers that read more.</summary>
public sealed record TencentReply(int ErrCode, string? ErrMsg, JsonObject? Body)
{
    /// <summary>The message id some sends answer with (a number on the Official Account API, a string on WeCom).</summary>
    public string? MessageId => Body?["msgid"] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        { } other => other.ToJsonString(),
        null => null,
    };

    /// <summary>An HTTP error or a body that is not a JSON object is errcode -1 (busy, try again).</summary>
    public static async Task<TencentReply> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        JsonObject? json;
        try
        {
            json = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        return !response.IsSuccessStatusCode || json is null
            ? new TencentReply(-1, $"HTTP {(int)response.StatusCode}", null)
            : new TencentReply(json["errcode"]?.GetValue<int>() ?? 0, json["errmsg"]?.GetValue<string>(), json);
    }
}

/// <summary>
/// Calls a Tencent server API with a cached access token. A token the API refuses is dropped and
/// the call is made once more with a fresh one; a token service that refuses or cannot be reached
/// answers the call without sending it.
/// </summary>
public static class TencentApi
{
    /// <summary>The access token was refused (invalid credential, invalid token, token expired).</summary>
    public static bool IsTokenRejected(int code) => code is 40001 or 40014 or 42001;

    /// <param name="requestToken">Asks the token API; its answer carries <c>access_token</c> and <c>expires_in</c>.</param>
    /// <param name="path">The API path, with its own query when it has one (the access token is added to it).</param>
    /// <param name="body">The JSON posted; null for an API read with GET (<c>cgi-bin/user/info</c>).</param>
    public static async Task<TencentReply> CallAsync(
        HttpClient client,
        AccessTokenCache tokens,
        string cacheKey,
        Func<CancellationToken, Task<HttpResponseMessage>> requestToken,
        string path,
        JsonObject? body,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            string token;
            try
            {
                token = await tokens.GetAsync(cacheKey, ct => FetchTokenAsync(requestToken, time, ct), cancellationToken);
            }
            catch (TokenRefusedException refused)
            {
                return refused.Reply;
            }
            catch (HttpRequestException)
            {
                // The message was not sent: the token could not be had.
                return new TencentReply(-1, "token service unreachable", null);
            }

            var uri = $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}access_token={Uri.EscapeDataString(token)}";
            using var response = body is null ? await client.GetAsync(uri, cancellationToken) : await client.PostAsync(uri, Json(body), cancellationToken);
            var reply = await TencentReply.ReadAsync(response, cancellationToken);
            if (attempt == 0 && IsTokenRejected(reply.ErrCode))
            {
                tokens.Invalidate(cacheKey, token);
                continue;
            }

            return reply;
        }
    }

    public static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<AccessToken> FetchTokenAsync(Func<CancellationToken, Task<HttpResponseMessage>> requestToken, TimeProvider time, CancellationToken cancellationToken)
    {
        using var response = await requestToken(cancellationToken);
        var reply = await TencentReply.ReadAsync(response, cancellationToken);
        if (reply.Body?["access_token"]?.GetValue<string>() is not { Length: > 0 } token)
        {
            throw new TokenRefusedException(reply);
        }

        return new AccessToken(token, time.GetUtcNow().AddSeconds(reply.Body["expires_in"]?.GetValue<int>() ?? 7200));
    }

    private sealed class TokenRefusedException(TencentReply reply) : Exception($"The token API answered errcode {reply.ErrCode}.")
    {
        public TencentReply Reply { get; } = reply;
    }
}
