using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.WeCom.Accounts;

namespace Scrm.Connectors.WeCom.Outbound;

/// <summary>The API's answer: errcode (0 = ok), errmsg and the JSON for callers that read more (msgid, fail_list).</summary>
internal sealed record WeComReply(int ErrCode, string? ErrMsg, JsonObject? Body);

/// <summary>Calls the WeCom server API with a cached access token, refreshing once when the API refuses it.</summary>
internal sealed class WeComApiClient(IHttpClientFactory clients, AccessTokenCache tokens, TimeProvider time)
{
    public const string HttpClientName = "wecom-api";

    public async Task<WeComReply> CallAsync(WeComAccount account, string path, JsonObject body, CancellationToken cancellationToken)
    {
        var cacheKey = "wecom:" + account.Name;
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
                return new WeComReply(-1, "token service unreachable", null);
            }

            using var response = await clients.CreateClient(HttpClientName).PostAsync(
                $"{path}?access_token={Uri.EscapeDataString(token)}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
            var reply = ToReply(response, await ReadAsync(response, cancellationToken));
            if (attempt == 0 && reply.ErrCode is 40001 or 40014 or 42001)
            {
                tokens.Invalidate(cacheKey, token);
                continue;
            }

            return reply;
        }
    }

    private async Task<AccessToken> FetchTokenAsync(WeComAccount account, CancellationToken cancellationToken)
    {
        using var response = await clients.CreateClient(HttpClientName).GetAsync(
            $"cgi-bin/gettoken?corpid={Uri.EscapeDataString(account.CorpId)}&corpsecret={Uri.EscapeDataString(account.Secret ?? "")}", cancellationToken);
        var json = await ReadAsync(response, cancellationToken);
        if (json?["access_token"]?.GetValue<string>() is not { Length: > 0 } token)
        {
            throw new TokenRefusedException(ToReply(response, json));
        }

        return new AccessToken(token, time.GetUtcNow().AddSeconds(json["expires_in"]?.GetValue<int>() ?? 7200));
    }

    private static WeComReply ToReply(HttpResponseMessage response, JsonObject? json) =>
        !response.IsSuccessStatusCode || json is null
            ? new WeComReply(-1, $"HTTP {(int)response.StatusCode}", null)
            : new WeComReply(json["errcode"]?.GetValue<int>() ?? 0, json["errmsg"]?.GetValue<string>(), json);

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

    private sealed class TokenRefusedException(WeComReply reply) : Exception($"The token API answered errcode {reply.ErrCode}.")
    {
        public WeComReply Reply { get; } = reply;
    }
}
