using System.Globalization;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Http;
using Scrm.Platform.Text;

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
            .Produces(StatusCodes.Status202Accepted, contentType: "text/html")
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
            return TypedResults.Problem(new UserText("没有以此为键配置的表单。", "No form is configured under this key.").In(request.HttpContext), statusCode: StatusCodes.Status404NotFound);
        }

        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Problems.UnsupportedMediaType("application/x-www-form-urlencoded", request.HttpContext);
        }

        var errors = new FieldErrors();
        var fields = FormBody.Parse(await ReadBodyAsync(request, ct), errors) ?? [];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        var honeypot = false;
        foreach (var group in fields.GroupBy(f => f.Name, StringComparer.Ordinal))
        {
            var name = group.Key;
            if (string.Equals(name, options.Value.HoneypotField, StringComparison.Ordinal))
            {
                honeypot |= group.Any(f => f.Value.Length > 0);
                continue;
            }

            var text = group.First().Value;
            if (group.Count() != 1)
            {
                errors.Add(name, new Scrm.Platform.Text.UserText("只能填写一次", "must be given once"));
            }
            else if (text.Length > MaxValueLength || name.Length > 64)
            {
                errors.Add(name, new Scrm.Platform.Text.UserText("最多 {0} 个字符，字段名最多 64 个字符", "must be at most {0} characters, with a name of at most 64"), MaxValueLength);
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
                errors.Add(name, new Scrm.Platform.Text.UserText("表单最多可带 {0} 个自定义字段", "a form may carry at most {0} custom fields"), MaxExtraFields);
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
            return Problems.Invalid(errors, new Scrm.Platform.Text.UserText("表单没有提交：请改正所列的字段。", "The form was not submitted: correct the listed fields."), request.HttpContext);
        }

        await journal.AppendAsync([item], ct);
        return Received(request, form);
    }

    /// <summary>A flood: 429 with <c>Retry-After</c> (whole seconds until the window reopens) and problem details.</summary>
    internal static async ValueTask TooManyAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Detail = TooMany.In(http, seconds) },
        });
    }

    private static readonly UserText TooMany = new("提交过于频繁，请在 {0} 秒后再试。", "Too many submissions from this address; try again in {0} s.");

    /// <summary>The body as sent; Kestrel enforces <see cref="MaxBodyBytes"/> (413 past it).</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>A browser gets the form's thank-you page (303) or, without one, a small page of ours; an API client gets JSON.</summary>
    private static IResult Received(HttpRequest request, WebFormDefinition form)
    {
        var wantsHtml = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (!wantsHtml)
        {
            return TypedResults.Accepted((string?)null, new { status = "received" });
        }

        return form.RedirectUrl is { } redirect ? new SeeOther(redirect) : new ThankYouPage(ThankYou.In(request.HttpContext, HtmlEncoder.Default.Encode(form.Name ?? "")));
    }

    private static readonly UserText ThankYou = new(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>提交成功</title></head>"
        + "<body style=\"font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\"><h1>谢谢！</h1><p>我们已收到您的信息（{0}），会尽快与您联系。</p>"
        + "<p><a href=\"javascript:history.back()\">返回</a></p></body></html>",
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Thank you</title></head>"
        + "<body style=\"font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\"><h1>Thank you!</h1><p>We have received your details ({0}) and will be in touch soon.</p>"
        + "<p><a href=\"javascript:history.back()\">Back</a></p></body></html>");

    private sealed class ThankYouPage(string html) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status202Accepted;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            return httpContext.Response.WriteAsync(html, httpContext.RequestAborted);
        }
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
