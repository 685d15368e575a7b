using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Requests;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Http;
using Scrm.Platform.Security;

namespace Scrm.Connectors.Web.Mentions;

internal static class MentionsApi
{
    /// <summary>1,000 mentions of 20,000 characters fit; a 20 MB string does not.</summary>
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    public static void MapMentions(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/mentions", PostAsync)
            .WithTags("Ingest")
            .RequireAuthorization(ScrmPolicies.Ingest)
            .WithMaxRequestBodySize(MaxBodyBytes)
            .Accepts<object>("application/json")
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Ingest one mention or an array of up to 1,000; answered after the journal commit.");

    private static Task<IResult> PostAsync(HttpRequest request, IJournal journal, TimeProvider time, ILoggerFactory logs, CancellationToken ct) =>
        JsonIngest.PostAsync(request, MaxBodyBytes, MentionParser.Parse, "mentions", journal, time, logs.CreateLogger("Scrm.Connectors.Web.Mentions"), ct);
}
