using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Scrm.Customers.Merging;
using Scrm.Customers.Model;
using Scrm.Customers.Orders;
using Scrm.Customers.Value;
using Scrm.Customers.View;
using Microsoft.EntityFrameworkCore;
using Scrm.Platform.Audit;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Tables;
using Scrm.Platform.Text;
using Microsoft.Extensions.Logging;

namespace Scrm.Customers.Api;

internal sealed record MergeRequest(Guid? SurvivorId, Guid? MergedId, string? Reason);

internal sealed record UnmergeRequest(string? Reason);

internal sealed record UnmergeResult(Guid MergeId);

internal sealed record RevealRequest(string? Reason);

internal static class CustomersApi
{
    public const long JsonLimit = 64 * 1024;
    public const long CsvLimit = 10 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/customers").WithTags("Customers");

        group.MapGet("", ListAsync).RequireAuthorization(CustomerPolicies.Read)
            .WithSummary("Customers by q (name, company, phone or e-mail), tag, tier, owner (or 'none'), region (province or city) and source; newest first, keyset paged by 'after'.");
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(CustomerPolicies.Read)
            .WithSummary("The 360° view: profile, identities, owner, value tier and score breakdown, timeline page, decision map, repurchase dates.");
        group.MapPatch("/{id:guid}", PatchAsync).RequireAuthorization(ScrmPolicies.Sales).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Changes profile fields (null clears one), custom fields and, for admins, the owner.");
        group.MapPut("/{id:guid}/tags/{tag}", (Guid id, string tag, CustomerEditor editor, HttpContext http, CancellationToken ct) => TagAsync(id, tag, true, editor, http, ct))
            .RequireAuthorization(CustomerPolicies.Tag);
        group.MapDelete("/{id:guid}/tags/{tag}", (Guid id, string tag, CustomerEditor editor, HttpContext http, CancellationToken ct) => TagAsync(id, tag, false, editor, http, ct))
            .RequireAuthorization(CustomerPolicies.Tag);
        group.MapPut("/{id:guid}/decision-map", DecisionMapAsync).RequireAuthorization(ScrmPolicies.Sales).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Replaces a company customer's decision map: people, roles, influence and who reports to whom.");
        group.MapPost("/{id:guid}/reveal", RevealAsync).RequireAuthorization(CustomerPolicies.Read).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Shows one customer's protected fields in full to a role that sees them masked; needs a reason and is audited.");
        group.MapGet("/{id:guid}/merge-candidates", CandidatesAsync).RequireAuthorization(CustomerPolicies.Read)
            .WithSummary("Customers who may be the same person (same name and company, similar phone, same contact details). Never merged automatically.");
        group.MapPost("/merge", MergeAsync).RequireAuthorization(ScrmPolicies.Sales).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Merges mergedId into survivorId; with preview=true only says what would change.");
        group.MapPost("/{id:guid}/unmerge", UnmergeAsync).RequireAuthorization(ScrmPolicies.Sales).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Undoes the merge of this customer into another: identities, timeline, orders, tags, consents and ownership go back.");
        group.MapGet("/{id:guid}/audit", AuditAsync).RequireAuthorization(ScrmPolicies.Sales)
            .WithSummary("Who changed, merged or read the protected fields of this customer, and merges with their before and after.");
        group.MapPost("/import", (bool? preview, HttpRequest request, ImportService imports, HttpContext http, ILogger<ImportService> log, CancellationToken ct) => ImportAsync(ImportKinds.Customers, preview ?? false, request, imports, http, log, ct))
            .RequireAuthorization(ScrmPolicies.Sales).WithMaxRequestBodySize(Uploads.MaxBytes)
            .WithSummary("Imports customers from CSV (UTF-8, UTF-8 with BOM or GB18030 as Excel writes it) or .xlsx, as the body or a multipart file. Columns by Chinese or English header: 姓名 name, 手机 phone, 邮箱 email, 公司 company, 职位 title, 省份 province, 城市 city, 来源 source, 行业 industry, 客户编号 crm_id, 标签 tags. With preview=true only shows the column mapping and the first rows.");
        group.MapGet("/imports/{id:guid}", ImportStatusAsync).RequireAuthorization(ScrmPolicies.Sales);
        group.MapGet("/export", ExportAsync).RequireAuthorization(CustomerPolicies.Read)
            .WithSummary("The filtered customers as CSV (UTF-8 with BOM, Excel opens it as is) or, with format=xlsx, a workbook; protected fields masked for roles that may not see them.");
        group.MapGet("/value/pyramid", PyramidAsync).RequireAuthorization(CustomerPolicies.Read)
            .WithSummary("Customers and spend per value tier, of the customers the caller may see.");
        group.MapPost("/value/recompute", async (ValueRecompute recompute, CancellationToken ct) => TypedResults.Ok(await recompute.RunAsync(ct)))
            .RequireAuthorization(ScrmPolicies.Admin).WithSummary("Runs the nightly value recompute now.");
    }

    private static async Task<Results<Ok<CustomerPage>, ValidationProblem>> ListAsync(
        string? q, string? tag, string? tier, string? owner, string? region, string? source, Guid? after, int? limit,
        CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        if (limit is < 1 or > 200 || q?.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [CustomerTexts.ListLimit.In(http)] });
        }

        return TypedResults.Ok(await reader.ListAsync(new CustomerFilter(q, tag, tier, owner, region, source, after, limit ?? 50), Caller.Of(http.User), ct));
    }

    private static async Task<Results<Ok<CustomerView>, NotFound, ValidationProblem>> GetAsync(
        Guid id, long? timelineBefore, int? timelineLimit, CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        if (timelineLimit is < 1 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["timelineLimit"] = [CustomerTexts.TimelineLimit.In(http)] });
        }

        return await reader.GetAsync(id, Caller.Of(http.User), timelineBefore, timelineLimit ?? 50, ct) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();
    }

    private static async Task<IResult> PatchAsync(Guid id, HttpRequest request, CustomerEditor editor, HttpContext http, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(CustomerTexts.JsonBody.In(http), statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        using var body = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, ct);
        return Answer(await editor.PatchAsync(id, body.RootElement, Caller.Of(http.User), ct), http);
    }

    private static async Task<IResult> TagAsync(Guid id, string tag, bool add, CustomerEditor editor, HttpContext http, CancellationToken ct) =>
        Answer(await editor.TagAsync(id, tag, add, Caller.Of(http.User), ct), http);

    private static async Task<IResult> DecisionMapAsync(Guid id, List<DecisionMapInput> people, CustomerEditor editor, HttpContext http, CancellationToken ct) =>
        Answer(await editor.ReplaceDecisionMapAsync(id, people, Caller.Of(http.User), ct), http);

    private static async Task<Results<Ok<IReadOnlyList<MergeCandidate>>, NotFound>> CandidatesAsync(Guid id, CandidateFinder finder, CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        var visible = reader.Visible(Caller.Of(http.User));
        if (!await visible.AnyAsync(c => c.Id == id, ct) || await finder.FindAsync(id, ct) is not { } candidates)
        {
            return TypedResults.NotFound();
        }

        var ids = candidates.Select(c => c.Id).ToList();
        var seen = (await visible.Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        return TypedResults.Ok<IReadOnlyList<MergeCandidate>>([.. candidates.Where(c => seen.Contains(c.Id))]);
    }

    private static async Task<Results<Ok<RevealedFields>, NotFound, ValidationProblem, ForbidHttpResult>> RevealAsync(
        Guid id, RevealRequest request, CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [CustomerTexts.RevealReason.In(http)] });
        }

        var (found, allowed, fields) = await reader.RevealAsync(id, Caller.Of(http.User), request.Reason.Trim(), ct);
        return !found ? TypedResults.NotFound() : !allowed ? TypedResults.Forbid() : TypedResults.Ok(fields!);
    }

    private static async Task<Ok<PyramidReport>> PyramidAsync(CustomerReader reader, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ValuePyramid.LoadAsync(reader.Visible(Caller.Of(http.User)), ct));

    private static async Task<IResult> MergeAsync(MergeRequest request, bool? preview, MergeService merges, CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        if (request.SurvivorId is not { } survivor || request.MergedId is not { } merged)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["survivorId"] = [CustomerTexts.MergeIds.In(http)] });
        }

        if (preview != true && (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [CustomerTexts.MergeReason.In(http)] });
        }

        var caller = Caller.Of(http.User);
        var visible = reader.Visible(caller);
        if (await visible.CountAsync(c => c.Id == survivor || c.Id == merged, ct) < (survivor == merged ? 1 : 2))
        {
            return TypedResults.NotFound();
        }

        try
        {
            if (preview == true)
            {
                return TypedResults.Ok(await merges.PreviewAsync(survivor, merged, ct));
            }

            return TypedResults.Ok(await merges.MergeAsync(survivor, merged, caller.Id, request.Reason!, ct));
        }
        catch (MergeRefusedException ex)
        {
            return Refused(ex);
        }
    }

    private static async Task<IResult> UnmergeAsync(Guid id, UnmergeRequest request, MergeService merges, CustomerReader reader, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.Of(http.User);
        if (!await reader.Visible(caller).AnyAsync(c => c.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [CustomerTexts.UnmergeReason.In(http)] });
        }

        try
        {
            return TypedResults.Ok(new UnmergeResult(await merges.UnmergeAsync(id, caller.Id, request.Reason, ct)));
        }
        catch (MergeRefusedException ex)
        {
            return Refused(ex);
        }
    }

    private static async Task<Results<Ok<AuditPage>, NotFound>> AuditAsync(Guid id, long? before, AuditReader audit, CustomerReader reader, HttpContext http, CancellationToken ct) =>
        await reader.Visible(Caller.Of(http.User)).AnyAsync(c => c.Id == id, ct) ? TypedResults.Ok(await audit.ReadAsync(id, before, ct)) : TypedResults.NotFound();

    internal static async Task<IResult> ImportAsync(string kind, bool preview, HttpRequest request, ImportService imports, HttpContext http, ILogger log, CancellationToken ct)
    {
        var (sheet, refusal) = await Uploads.ReadSheetAsync(request, ImportService.MaxRows, log, ct);
        if (sheet is null)
        {
            return refusal!;
        }

        if (preview)
        {
            return TypedResults.Ok(ImportService.Preview(kind, sheet, http.Language()));
        }

        var (status, problems) = await imports.StartAsync(kind, sheet, Caller.Of(http.User).Name, http.Language(), ct);
        return status is null
            ? TypedResults.Problem(string.Join(" ", problems), statusCode: StatusCodes.Status400BadRequest)
            : TypedResults.Accepted($"/api/v1/customers/imports/{status.Id}", status);
    }

    private static async Task<Results<Ok<ImportStatus>, NotFound>> ImportStatusAsync(Guid id, ImportService imports, HttpContext http, CancellationToken ct) =>
        await imports.GetAsync(id, http.Language(), ct) is { } status ? TypedResults.Ok(status) : TypedResults.NotFound();

    private static async Task ExportAsync(
        string? q, string? tag, string? tier, string? owner, string? region, string? source, string? format,
        CustomerExport export, HttpContext http, CancellationToken ct)
    {
        var (mediaType, extension) = SheetWriter.Describe(format);
        http.Response.ContentType = mediaType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=customers.{extension}";
        await export.WriteAsync(new CustomerFilter(q, tag, tier, owner, region, source, null, int.MaxValue), Caller.Of(http.User), extension, http.Response.Body, ct);
    }

    internal static IResult Answer(EditResult result, HttpContext http) =>
        !result.Found ? TypedResults.NotFound()
        : result.Errors is { } errors ? TypedResults.ValidationProblem(errors.ToDictionary(http.Language()), detail: CustomerTexts.Invalid.In(http))
        : TypedResults.NoContent();

    private static ProblemHttpResult Refused(MergeRefusedException ex) =>
        TypedResults.Problem(ex.Message, statusCode: ex.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
}

/// <summary>The module's own policies where no platform policy fits.</summary>
internal static class CustomerPolicies
{
    /// <summary>Sales, marketing, community and admins read customers.</summary>
    public const string Read = "scrm:customers:read";

    /// <summary>Sales and marketing tag customers (marketing builds segments on tags).</summary>
    public const string Tag = "scrm:customers:tag";

    /// <summary>Shops and ERPs (ingest keys), sales and admins record orders.</summary>
    public const string Orders = "scrm:customers:orders";
}
