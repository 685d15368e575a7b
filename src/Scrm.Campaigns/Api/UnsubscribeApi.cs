using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Sending;
using Scrm.Campaigns.Storage;
using Scrm.Customers.Directory;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Campaigns.Api;

/// <summary>
/// <c>/u/{token}</c>: the unsubscribe link in campaign e-mail. Opening it shows a confirmation
/// (link scanners open links too); the button, or a one-click <c>List-Unsubscribe-Post</c>,
/// records the unsubscribe, which every later campaign honours on that channel.
/// </summary>
internal static class UnsubscribeApi
{
    public const int MaxEvidence = 500;

    /// <summary>A customer's explicit request to get a channel's marketing again, and how it was made (what they said, where, when).</summary>
    public sealed record ResubscribeInput(string? Channel, string? Evidence);

    public sealed record ResubscribeView(Guid CustomerId, string Channel, bool Granted, string Source, DateTimeOffset At);

    private static class Texts
    {
        public static readonly UserText Invalid = new("恢复订阅的请求有误", "The re-subscribe request is not valid");
        public static readonly UserText Channel = new("渠道必须是 wechat、wecom、sms 或 email", "channel must be wechat, wecom, sms or email");
        public static readonly UserText Evidence = new("必须写明客户本人的明确请求（如何、何时提出），5–{0} 个字符，不含控制字符",
            "evidence of the customer's own explicit request (how and when they asked) is required: 5 to {0} characters, no control characters");
        public static readonly UserText NotWithdrawn = new("该客户在此渠道没有退订，无需恢复", "This customer has not unsubscribed on this channel: there is nothing to restore");
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/customers/{id:guid}/resubscribe", ResubscribeAsync).WithTags("Campaigns").RequireAuthorization(ScrmPolicies.Marketing)
            .WithMaxRequestBodySize(8 * 1024)
            .WithSummary("Gives a customer who unsubscribed the channel's marketing again, at their explicit request (the evidence is kept in their timeline); audited.");
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

    private static async Task<IResult> ResubscribeAsync(Guid id, ResubscribeInput input, CustomerConsents consents, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (input.Channel is not { } channel || !CampaignChannels.All.Contains(channel))
        {
            errors["channel"] = [Texts.Channel.In(http)];
        }

        var evidence = input.Evidence?.Trim();
        if (evidence is not { Length: >= 5 and <= MaxEvidence } || evidence.Any(char.IsControl) || !IsWellFormed(evidence))
        {
            errors["evidence"] = [Texts.Evidence.In(http, MaxEvidence)];
        }

        if (errors.Count > 0)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status422UnprocessableEntity, Title = Texts.Invalid.In(http) });
        }

        var caller = Caller.Of(http.User);
        var (customer, withdrawn) = await consents.ResubscribeAsync(id, input.Channel!, $"re-subscribed to {input.Channel} marketing, recorded by {caller.Name}: {evidence}", caller.Name, ct);
        if (customer is null)
        {
            return TypedResults.NotFound();
        }

        if (!withdrawn)
        {
            return TypedResults.Problem(Texts.NotWithdrawn.In(http), statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(new ResubscribeView(customer.Value, input.Channel!, true, CustomerConsents.ResubscribeSource, time.GetUtcNow()));
    }

    /// <summary>No lone surrogates (text that cannot be stored or shown as it was sent).</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static IResult Page(HttpStatusCode status, string chinese, string english, string form = "") =>
        Results.Content(
            $"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>退订</title></head>" +
            $"<body><p>{WebUtility.HtmlEncode(chinese)}</p><p lang=\"en\">{WebUtility.HtmlEncode(english)}</p>{form}</body></html>",
            "text/html; charset=utf-8", System.Text.Encoding.UTF8, (int)status);
}
