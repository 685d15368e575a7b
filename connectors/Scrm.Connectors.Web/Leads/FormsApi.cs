using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Scrm.Connectors.Sdk.Requests;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Http;

namespace Scrm.Connectors.Web.Leads;

/// <summary><c>POST /forms/{formKey}</c>: an HTML form posted straight from a visitor's browser.</summary>
internal static partial class FormsApi
{
    public const string RateLimitPolicy = "web-forms";
    public const long MaxBodyBytes = 64 * 1024;
    public const int MaxExtraFields = 20;
    public const int MaxValueLength = 2_000;

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "name",
        ["phone"] = "phone",
        ["mobile"] = "phone",
        ["tel"] = "phone",
        ["email"] = "email",
        ["company"] = "company",
        ["title"] = "title",
        ["message"] = "message",
        ["comments"] = "message",
        ["campaign"] = "campaign",
        ["utm_source"] = "utmSource",
        ["utmSource"] = "utmSource",
        ["utm_medium"] = "utmMedium",
        ["utmMedium"] = "utmMedium",
        ["utm_campaign"] = "utmCampaign",
        ["utmCampaign"] = "utmCampaign",
        ["utm_term"] = "utmTerm",
        ["utmTerm"] = "utmTerm",
        ["utm_content"] = "utmContent",
        ["utmContent"] = "utmContent",
        ["page_url"] = "pageUrl",
        ["pageUrl"] = "pageUrl",
    };

    public static void MapForms(this IEndpointRouteBuilder app) =>
        app.MapPost("/forms/{formKey}", PostAsync)
            .WithTags("Ingest")
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimitPolicy)
            .WithMaxRequestBodySize(MaxBodyBytes)
            .Accepts<object>("application/x-www-form-urlencoded")
            .Produces(StatusCodes.Status202Accepted)
            .Produces(StatusCodes.Status303SeeOther)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("A website form submission (public, rate-limited per address, with a honeypot field).");

    private static async Task<IResult> PostAsync(
        string formKey, HttpRequest request, IJournal journal, IOptions<WebFormsOptions> options, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger("Scrm.Connectors.Web.Forms");
        if (!options.Value.Forms.TryGetValue(formKey, out var form))
        {
            return TypedResults.Problem("No form is configured under this key.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Problems.UnsupportedMediaType("application/x-www-form-urlencoded");
        }

        var fields = await request.ReadFormAsync(ct);
        var errors = new FieldErrors();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        var honeypot = false;
        foreach (var (name, value) in fields)
        {
            if (string.Equals(name, options.Value.HoneypotField, StringComparison.Ordinal))
            {
                honeypot |= !string.IsNullOrEmpty(value.ToString());
                continue;
            }

            if (value.Count != 1 || value[0] is not { } text)
            {
                errors.Add(name, "must be given once");
            }
            else if (text.Contains('\0', StringComparison.Ordinal) || text.Length > MaxValueLength || name.Length > 64)
            {
                errors.Add(name, $"must be at most {MaxValueLength} characters without NUL");
            }
            else if (Aliases.TryGetValue(name, out var field))
            {
                values[field] = text;
            }
            else if (extra.Count < MaxExtraFields)
            {
                extra[name] = text;
            }
            else
            {
                errors.Add(name, $"a form may carry at most {MaxExtraFields} custom fields");
            }
        }

        if (honeypot)
        {
            // Answered like a real submission, so the bot learns nothing.
            LogHoneypot(log, formKey);
            return Received(request, form);
        }

        var input = new LeadInput
        {
            Name = values.GetValueOrDefault("name"),
            Phone = values.GetValueOrDefault("phone"),
            Email = values.GetValueOrDefault("email"),
            Company = values.GetValueOrDefault("company"),
            Title = values.GetValueOrDefault("title"),
            Message = values.GetValueOrDefault("message"),
            Campaign = values.GetValueOrDefault("campaign") ?? form.Campaign,
            UtmSource = values.GetValueOrDefault("utmSource"),
            UtmMedium = values.GetValueOrDefault("utmMedium"),
            UtmCampaign = values.GetValueOrDefault("utmCampaign"),
            UtmTerm = values.GetValueOrDefault("utmTerm"),
            UtmContent = values.GetValueOrDefault("utmContent"),
            PageUrl = values.GetValueOrDefault("pageUrl"),
            Referrer = request.Headers.Referer.ToString() is { Length: > 0 and <= 2048 } referrer ? referrer : null,
            Fields = extra,
        };
        var item = errors.Any ? null : LeadNormalizer.ToItem(input, WebChannel.Forms, formKey, time.GetUtcNow(), "", errors);
        if (item is null)
        {
            LogRejected(log, formKey, errors.Count);
            return Problems.Invalid(errors, "The form was not submitted: correct the listed fields.");
        }

        await journal.AppendAsync([item], ct);
        return Received(request, form);
    }

    private static IResult Received(HttpRequest request, WebFormDefinition form)
    {
        var wantsHtml = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (wantsHtml && form.RedirectUrl is { } redirect)
        {
            return new SeeOther(redirect);
        }

        return TypedResults.Accepted((string?)null, new { status = "received" });
    }

    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers[HeaderNames.Location] = location;
            return Task.CompletedTask;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a submission to form {FormKey}: honeypot field filled")]
    private static partial void LogHoneypot(ILogger logger, string formKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a submission to form {FormKey} with {Count} invalid field(s)")]
    private static partial void LogRejected(ILogger logger, string formKey, int count);
}
