using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Requests;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Http;
using Scrm.Platform.Security;

namespace Scrm.Connectors.Web.Mentions;

internal static partial class MentionsApi
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

    private static async Task<IResult> PostAsync(HttpRequest request, IJournal journal, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var (items, errors) = MentionParser.Parse(document!.RootElement, time.GetUtcNow());
            if (errors.Any)
            {
                var log = logs.CreateLogger("Scrm.Connectors.Web.Mentions");
                LogRejected(log, errors.Count);
                return Problems.Invalid(errors, "Nothing was stored: fix the listed items and send the request again.");
            }

            var results = await journal.AppendAsync(items, ct);
            return TypedResults.Accepted((string?)null, IngestResponse.From(results));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a mentions request with {Count} invalid field(s)")]
    private static partial void LogRejected(ILogger logger, int count);
}
