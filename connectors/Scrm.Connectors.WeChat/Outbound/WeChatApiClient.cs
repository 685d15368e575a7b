using System.Text.Json.Nodes;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeChat.Accounts;

namespace Scrm.Connectors.WeChat.Outbound;

/// <summary>
/// Calls the Official Account API with a cached access token (<see cref="TencentApi"/>). Tokens
/// come from the stable-token API, which hands every replica the same token instead of each fetch
/// invalidating the others'.
/// </summary>
internal sealed class WeChatApiClient(IHttpClientFactory clients, AccessTokenCache tokens, TimeProvider time)
{
    public const string HttpClientName = "wechat-api";

    /// <param name="body">Posted as JSON; null reads the API with GET (<paramref name="path"/> then carries the query).</param>
    public Task<TencentReply> CallAsync(WeChatAccount account, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        return TencentApi.CallAsync(client, tokens, "wechat:" + account.Name, ct => client.PostAsync("cgi-bin/stable_token", TencentApi.Json(new JsonObject
        {
            ["grant_type"] = "client_credential",
            ["appid"] = account.AppId,
            ["secret"] = account.AppSecret,
            ["force_refresh"] = false,
        }), ct), path, body, time, cancellationToken);
    }
}
