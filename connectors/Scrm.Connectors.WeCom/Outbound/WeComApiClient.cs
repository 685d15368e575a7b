using System.Text.Json.Nodes;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeCom.Accounts;

namespace Scrm.Connectors.WeCom.Outbound;

/// <summary>Calls the WeCom server API with a cached access token (<see cref="TencentApi"/>).</summary>
internal sealed class WeComApiClient(IHttpClientFactory clients, AccessTokenCache tokens, TimeProvider time)
{
    public const string HttpClientName = "wecom-api";

    /// <param name="body">Posted as JSON; null reads the API with GET (<paramref name="path"/> then carries the query).</param>
    public Task<TencentReply> CallAsync(WeComAccount account, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        return TencentApi.CallAsync(client, tokens, "wecom:" + account.Name, ct => client.GetAsync(
            $"cgi-bin/gettoken?corpid={Uri.EscapeDataString(account.CorpId)}&corpsecret={Uri.EscapeDataString(account.Secret ?? "")}", ct), path, body, time, cancellationToken);
    }
}
