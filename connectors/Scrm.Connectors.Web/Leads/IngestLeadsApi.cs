using Scrm.Platform.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Requests;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Http;
using Scrm.Platform.Security;

namespace Scrm.Connectors.Web.Leads;

/// <summary>Leads posted by other systems (the sales workbench's own <c>/api/v1/leads</c> is in Scrm.Leads).</summary>
internal static class IngestLeadsApi
{
    public const string Route = "/api/v1/ingest/leads";

    /// <summary>The address ingest had before it got its own prefix; still answered the same way.</summary>
    public const string OldRoute = "/api/v1/leads";

    public const long MaxBodyBytes = 4 * 1024 * 1024;
    public const int MaxItems = 1_000;

    private static readonly HashSet<string> Fields =
    [
        "name", "phone", "email", "company", "title", "message", "campaign", "utmSource", "utmMedium", "utmCampaign",
        "utmTerm", "utmContent", "pageUrl", "referrer", "externalId", "source", "submittedAt", "fields",
    ];

    public static void MapIngestLeads(this IEndpointRouteBuilder app)
    {
        Describe(app.MapPost(Route, PostAsync))
            .WithSummary("Ingest one lead or an array of up to 1,000; a resubmission within 24 hours is a duplicate.");
        Describe(app.MapPost(OldRoute, PostAsync))
            .WithSummary($"The earlier address of POST {Route}: the same request and answer.");
    }

    private static RouteHandlerBuilder Describe(RouteHandlerBuilder endpoint) =>
        endpoint.WithTags("Ingest")
            .RequireAuthorization(ScrmPolicies.Ingest)
            .WithMaxRequestBodySize(MaxBodyBytes)
            .Accepts<object>("application/json")
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();

    private static Task<IResult> PostAsync(HttpRequest request, IJournal journal, TimeProvider time, ILoggerFactory logs, CancellationToken ct) =>
        JsonIngest.PostAsync(request, MaxBodyBytes, Parse, "leads", journal, time, logs.CreateLogger("Scrm.Connectors.Web.Leads"), ct);

    internal static (IReadOnlyList<InboundItem> Items, FieldErrors Errors) Parse(JsonElement root, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var items = new List<InboundItem>();
        if (root.ValueKind == JsonValueKind.Object)
        {
            Add(root, "", now, items, errors);
        }
        else if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() is > 0 and <= MaxItems)
        {
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                Add(element, $"[{index++}]", now, items, errors);
            }
        }
        else
        {
            errors.Add("$", new Scrm.Platform.Text.UserText("必须是一条线索（对象）或 1 到 {0} 条线索的数组", "must be a lead object or an array of 1 to {0} leads"), MaxItems);
        }

        return (errors.Any ? [] : items, errors);
    }

    private static void Add(JsonElement element, string path, DateTimeOffset now, List<InboundItem> items, FieldErrors errors)
    {
        var errorsBefore = errors.Count;
        if (JsonFields.Open(element, path, errors, Fields) is not { } f)
        {
            return;
        }

        var input = new LeadInput
        {
            Name = f.Text("name", 200),
            Phone = f.Text("phone", 64),
            Email = f.Text("email", 254),
            Company = f.Text("company", 200),
            Title = f.Text("title", 200),
            Message = f.Text("message", 5_000),
            Campaign = f.Text("campaign", 200),
            UtmSource = f.Text("utmSource", 200),
            UtmMedium = f.Text("utmMedium", 200),
            UtmCampaign = f.Text("utmCampaign", 200),
            UtmTerm = f.Text("utmTerm", 200),
            UtmContent = f.Text("utmContent", 200),
            PageUrl = f.Url("pageUrl")?.ToString(),
            Referrer = f.Url("referrer")?.ToString(),
            ExternalId = f.Text("externalId", 256),
            SubmittedAt = f.Time("submittedAt"),
            Fields = f.Scalars("fields", maxProperties: 20, maxStringLength: 1_000)?
                .ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal),
        };
        var source = (f.Text("source", 64) ?? WebChannel.Api).ToLowerInvariant();
        if (errors.Count > errorsBefore)
        {
            return;
        }

        if (LeadNormalizer.ToItem(input, WebChannel.Api, source, now, path, errors) is { } item)
        {
            items.Add(item);
        }
    }

}
