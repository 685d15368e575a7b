using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.WeChat.Accounts;

namespace Scrm.Connectors.WeChat.Outbound;

/// <summary>The API's answer: errcode (0 = ok), errmsg and, for template sends, the message id.</summary>
internal sealed record WeChatReply(int ErrCode, string? ErrMsg, string? MessageId);

/// <summary>
/// Calls the Official Account API with a cached access token. A token the API refuses is dropped
/// and the call is made once more with a fresh one. Tokens come from the stable-token API, which
/// hands every replica the same token instead of each fetch invalidating the others'.
/// </summary>
internal sealed class WeChatApiClient(IHttpClientFactory clients, AccessTokenCache tokens, TimeProvider time)
{
    public const string HttpClientName = "wechat-api";

    public async Task<WeChatReply> CallAsync(WeChatAccount account, string path, JsonObject body, CancellationToken cancellationToken)
    {
        var cacheKey = "wechat:" + account.Name;
        for (var attempt = 0; ; attempt++)
        {
            string token;
            try
            {
                token = await tokens.GetAsync(cacheKey, ct => FetchTokenAsync(account, ct), cancellationToken);
            }
            catch (TokenRefusedException refused)
            {
                return refused.Reply;
            }
            catch (HttpRequestException)
            {
                // The message was not sent: the token could not be had.
                return new WeChatReply(-1, "token service unreachable", null);
            }

            var reply = await PostAsync($"{path}?access_token={Uri.EscapeDataString(token)}", body, cancellationToken);
            if (attempt == 0 && WeChatErrors.IsTokenRejected(reply.ErrCode))
            {
                tokens.Invalidate(cacheKey, token);
                continue;
            }

            return reply;
        }
    }

    private async Task<AccessToken> FetchTokenAsync(WeChatAccount account, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["grant_type"] = "client_credential",
            ["appid"] = account.AppId,
            ["secret"] = account.AppSecret,
            ["force_refresh"] = false,
        };
        using var response = await clients.CreateClient(HttpClientName).PostAsync("cgi-bin/stable_token", Json(request), cancellationToken);
        var json = await ReadAsync(response, cancellationToken);
        if (json?["access_token"]?.GetValue<string>() is not { Length: > 0 } token)
        {
            throw new TokenRefusedException(ToReply(response, json));
        }

        var seconds = json["expires_in"]?.GetValue<int>() ?? 7200;
        return new AccessToken(token, time.GetUtcNow().AddSeconds(seconds));
    }

    private async Task<WeChatReply> PostAsync(string uri, JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await clients.CreateClient(HttpClientName).PostAsync(uri, Json(body), cancellationToken);
        return ToReply(response, await ReadAsync(response, cancellationToken));
    }

    private static WeChatReply ToReply(HttpResponseMessage response, JsonObject? json)
    {
        if (!response.IsSuccessStatusCode || json is null)
        {
            return new WeChatReply(-1, $"HTTP {(int)response.StatusCode}", null);
        }

        var code = json["errcode"]?.GetValue<int>() ?? 0;
        var msgId = json["msgid"] is { } id ? id.ToJsonString().Trim('"') : null;
        return new WeChatReply(code, json["errmsg"]?.GetValue<string>(), msgId);
    }

    private static async Task<JsonObject?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private sealed class TokenRefusedException(WeChatReply reply)
        : Exception(string.Create(CultureInfo.InvariantCulture, $"The token API answered errcode {reply.ErrCode}."))
    {
        public WeChatReply Reply { get; } = reply;
    }
}
