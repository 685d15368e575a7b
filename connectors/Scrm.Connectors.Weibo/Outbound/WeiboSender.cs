using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.Weibo.Accounts;
using Scrm.Connectors.Weibo.Storage;

namespace Scrm.Connectors.Weibo.Outbound;

/// <summary>
/// Answers on Weibo in public: a reply to the customer's comment (<c>2/comments/reply.json</c>, under
/// the same post), or a comment on the post that mentioned the brand (<c>2/comments/create.json</c>).
/// Text only, at most 140 characters. Every send is idempotent on its key.
/// </summary>
internal sealed class WeiboSender(IOptions<WeiboOptions> options, IHttpClientFactory clients, OutboundLedger<WeiboDbContext> ledger) : IOutboundChannel
{
    public const int MaxTextLength = 140;

    public string Channel => Mentions.WeiboMentions.Channel;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (!options.Value.Accounts.TryGetValue(message.Account, out var account) || string.IsNullOrWhiteSpace(account.AccessToken))
        {
            return new SendResult(SendStatus.NotConfigured, Detail: "No Weibo account with an access token is configured under this name.");
        }

        if (Request(message, account.AccessToken) is not { } request)
        {
            return new SendResult(SendStatus.Rejected, Detail: "Weibo answers in public with text of 1 to 140 characters, under the comment or post it answers.");
        }

        return await ledger.SendOnceAsync(message, async ct =>
        {
            using var content = new FormUrlEncodedContent(request.Form);
            using var response = await clients.CreateClient(Polling.WeiboApiClient.HttpClientName).PostAsync(request.Path, content, ct);
            return await ResultAsync(response, ct);
        }, cancellationToken);
    }

    /// <summary>The API path and form for a public answer, or null when Weibo cannot send it.</summary>
    internal static (string Path, Dictionary<string, string> Form)? Request(OutboundMessage message, string accessToken)
    {
        if (message.Content is not TextContent { Text.Length: > 0 and <= MaxTextLength } text || message.InReplyTo is not { MessageId.Length: > 0 } target)
        {
            return null;
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal) { ["access_token"] = accessToken, ["comment"] = text.Text };
        if (target.ThreadId is { Length: > 0 } status)
        {
            // A comment on the brand's post: the reply hangs under it.
            form["cid"] = target.MessageId;
            form["id"] = status;
            return ("2/comments/reply.json", form);
        }

        // A post that mentioned the brand: the answer is a comment on it.
        form["id"] = target.MessageId;
        return ("2/comments/create.json", form);
    }

    /// <summary>Weibo's answer: the comment it created, or <c>{error, error_code}</c>.</summary>
    internal static async Task<SendResult> ResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return response.StatusCode >= HttpStatusCode.InternalServerError
                ? new SendResult(SendStatus.Unavailable, Detail: $"Weibo answered HTTP {(int)response.StatusCode}.")
                : new SendResult(SendStatus.Uncertain, Detail: $"Weibo answered HTTP {(int)response.StatusCode} without JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error_code", out var c))
            {
                var code = c.TryGetInt32(out var v) ? v : 0;
                return new SendResult(Status(code, (int)response.StatusCode), Detail: $"Weibo error {code}.", ErrorCode: code);
            }

            if (!response.IsSuccessStatusCode || root.ValueKind != JsonValueKind.Object)
            {
                return new SendResult(response.StatusCode >= HttpStatusCode.InternalServerError ? SendStatus.Unavailable : SendStatus.Rejected,
                    Detail: $"Weibo answered HTTP {(int)response.StatusCode}.");
            }

            var id = root.TryGetProperty("idstr", out var idstr) && idstr.ValueKind == JsonValueKind.String ? idstr.GetString()
                : root.TryGetProperty("id", out var n) && n.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture) : null;
            return new SendResult(SendStatus.Sent, id);
        }
    }

    /// <summary>What a Weibo error code means for the sender.</summary>
    internal static SendStatus Status(int code, int httpStatus) => code switch
    {
        10022 or 10023 or 10024 => SendStatus.RateLimited,
        10001 or 10009 or 10010 or 10011 or 10012 => SendStatus.Unavailable,
        21314 or 21315 or 21316 or 21317 or 21327 or 21332 or 10006 or 10013 or 10014 => SendStatus.NotConfigured,
        20003 or 20101 or 20206 or 20207 or 20208 => SendStatus.RecipientUnavailable,
        _ when httpStatus == 429 => SendStatus.RateLimited,
        _ when httpStatus >= 500 => SendStatus.Unavailable,
        _ => SendStatus.Rejected,
    };
}
