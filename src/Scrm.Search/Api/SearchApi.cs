using Scrm.Platform.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Security;
using Scrm.Platform.Http;
using Scrm.Search.Indexing;

namespace Scrm.Search.Api;

internal static partial class SearchApi
{
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>People who work in the CRM; machine keys that only deliver data (ingest) cannot read it back.</summary>
    public const string ReadPolicy = "scrm:search";

    public static readonly string[] ReadRoles = [ScrmRoles.Admin, ScrmRoles.Marketer, ScrmRoles.Community, ScrmRoles.Sales];

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/search").WithTags("Search");
        group.MapGet("", GetAsync)
            .RequireAuthorization(ReadPolicy)
            .Produces<SearchResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Full-text search over mentions, messages, leads and customers, with filters, facets, highlights and cursor paging.");
        group.MapPost("", PostAsync)
            .RequireAuthorization(ReadPolicy)
            .WithMaxRequestBodySize(MaxBodyBytes)
            .Accepts<object>("application/json")
            .Produces<SearchResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The same search with a structured filter body, for the UI and segments.");
        group.MapPost("/rebuild", StartRebuildAsync)
            .RequireAuthorization(ScrmPolicies.Admin)
            .Produces<RebuildStatus>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Re-reads the whole journal into the index, while searches go on.");
        group.MapGet("/rebuild", (SearchRebuild rebuild) => TypedResults.Ok(rebuild.Status))
            .RequireAuthorization(ScrmPolicies.Admin)
            .WithSummary("Progress of the running or last rebuild.");
    }

    private static Task<IResult> GetAsync(HttpRequest request, ISearchIndex index, SearchCursors cursors, IOptions<SearchOptions> options, IOptions<ProtectionOptions> protection, ILoggerFactory logs, CancellationToken ct)
    {
        var (search, errors) = SearchRequests.FromQueryString(request.Query, options.Value.FacetOffset);
        return RunAsync(search, errors, Caller.Of(request.HttpContext.User), protection.Value, index, cursors, logs, ct);
    }

    private static async Task<IResult> PostAsync(HttpRequest request, ISearchIndex index, SearchCursors cursors, IOptions<SearchOptions> options, IOptions<ProtectionOptions> protection, ILoggerFactory logs, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var (search, errors) = SearchRequests.FromBody(document!.RootElement, options.Value.FacetOffset);
            return await RunAsync(search, errors, Caller.Of(request.HttpContext.User), protection.Value, index, cursors, logs, ct);
        }
    }

    private static async Task<IResult> RunAsync(
        SearchRequest? search, FieldErrors errors, Caller caller, ProtectionOptions protection, ISearchIndex index, SearchCursors cursors, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger("Scrm.Search.Api");
        if (search is null)
        {
            LogRejected(log, errors.Count);
            return Problems.Invalid(errors, "Fix the listed parameters and search again.");
        }

        var query = search.Query;
        var fingerprint = SearchCursors.Fingerprint(query);
        if (search.Cursor is not null)
        {
            if (cursors.Decode(search.Cursor, fingerprint) is not { } after)
            {
                LogRejected(log, 1);
                var bad = new FieldErrors();
                bad.Add("cursor", "is not a cursor this API returned for this query");
                return Problems.Invalid(bad, "Start again without a cursor, or pass the cursor of the previous page unchanged with the same query.");
            }

            query = query with { After = after };
        }

        // One rule for protected fields, the customer view's: who may see contacts may also look them up.
        FieldAccess Access(string? owner) => FieldPolicy.Decide(caller, owner, protection.UnmaskedRoles);
        // The caller's data scope is part of the query, so totals and facets count only what they may see.
        query = query with { MatchContacts = Access(null).Unmasked, Filter = query.Filter with { Scope = SearchScope.Of(caller) } };
        try
        {
            var result = await index.SearchAsync(query, ct);
            var next = result.Next is null ? null : cursors.Encode(result.Next, fingerprint);
            return TypedResults.Ok(SearchResponses.From(result, next, Access));
        }
        catch (SearchUnavailableException ex)
        {
            LogUnavailable(log, ex);
            return TypedResults.Problem("The search engine is not answering; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<Results<Accepted<RebuildStatus>, ProblemHttpResult>> StartRebuildAsync(SearchRebuild rebuild, CancellationToken ct)
    {
        var (started, status) = await rebuild.StartAsync(ct);
        return started
            ? TypedResults.Accepted("/api/v1/search/rebuild", status)
            : TypedResults.Problem("A rebuild is already running; follow it at GET /api/v1/search/rebuild.", statusCode: StatusCodes.Status409Conflict);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a search request with {Count} invalid parameter(s)")]
    private static partial void LogRejected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search engine unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
