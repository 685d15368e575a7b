using System.Text.Json.Nodes;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.WeChat.Accounts;
using Scrm.Connectors.WeChat.Storage;

namespace Scrm.Connectors.WeChat.Outbound;

/// <summary>
/// Sends through an Official Account: text, image and news as customer-service messages (only
/// within 48 hours of the customer's last interaction) and template messages (any time, to
/// followers). Every send is idempotent on its key.
/// </summary>
internal sealed class WeChatSender(WeChatAccounts accounts, WeChatApiClient api, OutboundLedger<WeChatDbContext> ledger, TimeProvider time) : IOutboundChannel
{
    public const int MaxTextLength = 2_000;

    public string Channel => WeChatChannel.Name;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (accounts.Find(message.Account) is not { AppSecret: not null } account)
        {
            return new SendResult(SendStatus.NotConfigured, Detail: "No WeChat account with an AppSecret is configured under this name.");
        }

        if (Request(message) is not { } request)
        {
            return new SendResult(SendStatus.Rejected, Detail: "WeChat cannot send this content: text of 1 to 2,000 characters, an image, one news article or a template.");
        }

        if (request.Path.EndsWith("custom/send", StringComparison.Ordinal) && !InteractionWindow.IsOpen(message.LastInboundAt, time.GetUtcNow()))
        {
            return new SendResult(SendStatus.OutsideWindow, Detail: "More than 48 hours since the customer's last interaction; use a template message.");
        }

        return await ledger.SendOnceAsync(message,
            async ct => WeChatErrors.ToResult(await api.CallAsync(account, request.Path, request.Body, ct)), cancellationToken);
    }

    /// <summary>The API path and body for the content, or null when WeChat cannot send it.</summary>
    internal static (string Path, JsonObject Body)? Request(OutboundMessage message)
    {
        const string custom = "cgi-bin/message/custom/send";
        var to = message.Recipient;
        return message.Content switch
        {
            TextContent { Text.Length: > 0 and <= MaxTextLength } text =>
                (custom, new JsonObject { ["touser"] = to, ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = text.Text } }),
            ImageContent { MediaId.Length: > 0 } image =>
                (custom, new JsonObject { ["touser"] = to, ["msgtype"] = "image", ["image"] = new JsonObject { ["media_id"] = image.MediaId } }),
            NewsContent { Articles: [var a] } => (custom, new JsonObject
            {
                ["touser"] = to,
                ["msgtype"] = "news",
                ["news"] = new JsonObject
                {
                    ["articles"] = new JsonArray(new JsonObject
                    {
                        ["title"] = a.Title,
                        ["description"] = a.Description,
                        ["url"] = a.Url.ToString(),
                        ["picurl"] = a.PictureUrl?.ToString(),
                    }),
                },
            }),
            TemplateContent { TemplateId.Length: > 0 } template => ("cgi-bin/message/template/send", new JsonObject
            {
                ["touser"] = to,
                ["template_id"] = template.TemplateId,
                ["url"] = template.Url?.ToString(),
                ["data"] = new JsonObject(template.Values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)new JsonObject { ["value"] = v.Value }))),
            }),
            _ => null,
        };
    }
}
