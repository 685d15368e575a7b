using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Scrm.Campaigns.Storage;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;

namespace Scrm.Campaigns.Channels;

/// <summary>
/// Text messages through an HTTP SMS gateway (<c>Scrm:Campaigns:Sms</c>): a JSON POST of
/// <c>{ to, text, reference }</c> with the gateway key as a bearer token; the reference is the
/// idempotency key, and each key is sent at most once.
/// </summary>
internal sealed class SmsSender(IHttpClientFactory http, OutboundLedger<CampaignsDbContext> ledger, IOptions<CampaignsOptions> options) : IOutboundChannel
{
    public const string HttpClientName = "scrm-sms";
    public const int MaxTextLength = 500;

    public string Channel => "sms";

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var sms = options.Value.Sms;
        if (sms.GatewayUrl is null)
        {
            return new SendResult(SendStatus.NotConfigured, Detail: "No SMS gateway is configured (Scrm:Campaigns:Sms:GatewayUrl).");
        }

        if (message.Content is not TextContent { Text.Length: > 0 } text)
        {
            return new SendResult(SendStatus.Rejected, Detail: "SMS sends text.");
        }

        var body = sms.Signature + text.Text + sms.OptOutHint;
        if (body.Length > MaxTextLength)
        {
            return new SendResult(SendStatus.Rejected, Detail: $"SMS text is at most {MaxTextLength} characters with its signature.");
        }

        return await ledger.SendOnceAsync(message, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, sms.GatewayUrl)
            {
                Content = JsonContent.Create(new { to = message.Recipient, text = body, reference = message.IdempotencyKey }),
            };
            if (sms.ApiKey is { Length: > 0 } key)
            {
                request.Headers.Authorization = new("Bearer", key);
            }

            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            return response.StatusCode switch
            {
                >= HttpStatusCode.OK and < HttpStatusCode.MultipleChoices => new SendResult(SendStatus.Sent, await MessageIdAsync(response, ct)),
                HttpStatusCode.TooManyRequests => new SendResult(SendStatus.RateLimited, Detail: "The SMS gateway asked to slow down."),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SendResult(SendStatus.NotConfigured, Detail: "The SMS gateway refused the key."),
                >= HttpStatusCode.InternalServerError => new SendResult(SendStatus.Unavailable, Detail: $"The SMS gateway answered {(int)response.StatusCode}."),
                _ => new SendResult(SendStatus.Rejected, Detail: $"The SMS gateway refused the message ({(int)response.StatusCode})."),
            };
        }, cancellationToken);
    }

    private static async Task<string?> MessageIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("messageId", out var id) ? id.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
