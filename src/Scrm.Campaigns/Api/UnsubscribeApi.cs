using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Sending;
using Scrm.Campaigns.Storage;
using Scrm.Customers.Directory;

namespace Scrm.Campaigns.Api;

/// <summary>
/// <c>/u/{token}</c>: the unsubscribe link in campaign e-mail. Opening it shows a confirmation
/// (link scanners open links too); the button, or a one-click <c>List-Unsubscribe-Post</c>,
/// records the unsubscribe, which every later campaign honours on that channel.
/// </summary>
internal static class UnsubscribeApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/" + UnsubscribeLinks.Path.TrimEnd('/')).WithTags("Campaigns").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/{token}", (string token, UnsubscribeLinks links) => links.Read(token) is null
            ? Page(HttpStatusCode.NotFound, "链接无效或已过期。", "This link is not valid.")
            : Page(HttpStatusCode.OK, "确认不再接收此渠道的营销消息？", "Stop marketing messages on this channel?",
                $"<form method=\"post\"><button type=\"submit\">退订 / Unsubscribe</button></form>"));
        group.MapPost("/{token}", UnsubscribeAsync).DisableAntiforgery();
    }

    private static async Task<IResult> UnsubscribeAsync(string token, UnsubscribeLinks links, CustomerConsents consents, CampaignsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (links.Read(token) is not { } who)
        {
            return Page(HttpStatusCode.NotFound, "链接无效或已过期。", "This link is not valid.");
        }

        // The customer's consent is the record every channel and module honours; the row below only credits the campaign in its report.
        var eventKey = $"unsubscribe:{who.Campaign:N}:{who.Customer:N}:{who.Channel}";
        bool known;
        try
        {
            known = await consents.WithdrawAsync(who.Customer, who.Channel, eventKey, $"unsubscribed from {who.Channel} marketing", ct);
        }
        catch (DbUpdateException)
        {
            // Clicked twice at once: the other click withdrew it.
            known = true;
        }

        if (!known)
        {
            return Page(HttpStatusCode.NotFound, "链接无效或已过期。", "This link is not valid.");
        }

        if (!await db.Unsubscribes.AnyAsync(u => u.CustomerId == who.Customer && u.Channel == who.Channel, ct))
        {
            db.Unsubscribes.Add(new UnsubscribeRow { CustomerId = who.Customer, Channel = who.Channel, CampaignId = who.Campaign, At = time.GetUtcNow().ToUnixTimeMilliseconds() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Clicked twice at once: the other click recorded it.
            }
        }

        return Page(HttpStatusCode.OK, "已退订，您将不再收到此渠道的营销消息。", "You are unsubscribed from marketing on this channel.");
    }

    private static IResult Page(HttpStatusCode status, string chinese, string english, string form = "") =>
        Results.Content(
            $"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>退订</title></head>" +
            $"<body><p>{WebUtility.HtmlEncode(chinese)}</p><p lang=\"en\">{WebUtility.HtmlEncode(english)}</p>{form}</body></html>",
            "text/html; charset=utf-8", System.Text.Encoding.UTF8, (int)status);
}
