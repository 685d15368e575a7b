using Scrm.Platform.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Requests;
using Scrm.Platform.Http;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.Web;

/// <summary>
/// The shape every JSON ingest endpoint shares: read the body within its limit, parse every item
/// strictly, refuse the whole request with each bad item's reason, or append all of it in one
/// journal transaction and answer after the commit.
/// </summary>
internal static partial class JsonIngest
{
    private static readonly Scrm.Platform.Text.UserText Nothing = new("没有保存任何内容：请改正所列的字段后重新发送。", "Nothing was stored: fix the listed {0} and send the request again.");

    public static async Task<IResult> PostAsync(
        HttpRequest request,
        long maxBodyBytes,
        Func<JsonElement, DateTimeOffset, (IReadOnlyList<InboundItem> Items, FieldErrors Errors)> parse,
        string what,
        IJournal journal,
        TimeProvider time,
        ILogger log,
        CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, maxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var (items, errors) = parse(document!.RootElement, time.GetUtcNow());
            if (errors.Any)
            {
                LogRejected(log, what, errors.Count);
                return Problems.Invalid(errors, Nothing, request.HttpContext, what);
            }

            return TypedResults.Accepted((string?)null, IngestResponse.From(await journal.AppendAsync(items, cancellationToken)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a request of {What} with {Count} invalid field(s)")]
    private static partial void LogRejected(ILogger logger, string what, int count);
}
