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
    private static class Texts
    {
        public static readonly UserText FixParameters = new("请修正所列参数后再搜索。", "Fix the listed parameters and search again.");
        public static readonly UserText CursorOfQuery = new("不是本接口为此查询给出的游标", "is not a cursor this API returned for this query");
        public static readonly UserText StartAgain = new(
            "请不带游标重新开始，或用同一查询原样传入上一页给出的游标。",
            "Start again without a cursor, or pass the cursor of the previous page unchanged with the same query.");
        public static readonly UserText Unavailable = new("搜索引擎暂无响应，请稍后再试。", "The search engine is not answering; try again shortly.");
        public static readonly UserText RebuildRunning = new(
            "已有重建在进行；请在 GET /api/v1/search/rebuild 查看进度。",
            "A rebuild is already running; follow it at GET /api/v1/search/rebuild.");
    }

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
        return RunAsync(search, errors, request.HttpContext, protection.Value, index, cursors, logs, ct);
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
            return await RunAsync(search, errors, request.HttpContext, protection.Value, index, cursors, logs, ct);
        }
    }

    private static async Task<IResult> RunAsync(
        SearchRequest? search, FieldErrors errors, HttpContext http, ProtectionOptions protection, ISearchIndex index, SearchCursors cursors, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger("Scrm.Search.Api");
        var caller = Caller.Of(http.User);
        if (search is null)
        {
            LogRejected(log, errors.Count);
            return Problems.Invalid(errors, Texts.FixParameters, http);
        }

        var query = search.Query;
        var fingerprint = SearchCursors.Fingerprint(query);
        if (search.Cursor is not null)
        {
            if (cursors.Decode(search.Cursor, fingerprint) is not { } after)
            {
                LogRejected(log, 1);
                var bad = new FieldErrors();
                bad.Add("cursor", Texts.CursorOfQuery);
                return Problems.Invalid(bad, Texts.StartAgain, http);
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
            return TypedResults.Problem(Texts.Unavailable.In(http), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<Results<Accepted<RebuildStatus>, ProblemHttpResult>> StartRebuildAsync(SearchRebuild rebuild, HttpContext http, CancellationToken ct)
    {
        var (started, status) = await rebuild.StartAsync(ct);
        return started
            ? TypedResults.Accepted("/api/v1/search/rebuild", status)
            : TypedResults.Problem(Texts.RebuildRunning.In(http), statusCode: StatusCodes.Status409Conflict);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a search request with {Count} invalid parameter(s)")]
    private static partial void LogRejected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search engine unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
