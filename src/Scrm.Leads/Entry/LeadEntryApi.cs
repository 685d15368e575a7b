using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Customers.Orders;
using Scrm.Ingestion.Journal;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Tables;
using Scrm.Platform.Text;

namespace Scrm.Leads.Entry;

/// <summary>
/// What became of a lead a rep entered: its journal position, whether it was a repeat, and — when the
/// lead-conversion workflow got to it in time — the lead, its owner and team, or the shared pool.
/// </summary>
internal sealed record LeadEntryAnswer(long Position, bool Duplicate, long? LeadId = null, string? Owner = null, string? Team = null, bool? Pooled = null);

/// <summary>Sales enter leads by hand and import them from CSV or .xlsx; both go through the journal and are routed like any other lead.</summary>
internal static class LeadEntryApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var sales = app.MapGroup("/api/v1/leads").WithTags("Leads").RequireAuthorization(ScrmPolicies.Sales);
        sales.MapPost("/manual", EnterAsync).WithMaxRequestBodySize(64 * 1024)
            .WithSummary("A lead from a phone call, a business card or a fair, entered by a rep: routed like any other lead, or kept by the rep with keep=true (unless the customer has an owner). 201 with the lead and its owner once routed; 202 when routing takes longer.");
        sales.MapPost("/import", ImportAsync).WithMaxRequestBodySize(Uploads.MaxBytes)
            .WithSummary("Imports leads from CSV (UTF-8, UTF-8 with BOM or GB18030 as Excel writes it) or .xlsx, as the body or a multipart file. Columns by Chinese or English header: 姓名 name, 手机 phone, 邮箱 email, 公司 company, 职位 title, 省份 province, 城市 city, 来源 source, 意向产品 product, 备注 message. Each row is routed like any other lead; a row imported before is not imported again. With preview=true only shows the column mapping and the first rows.");
        sales.MapGet("/imports/{id:guid}", ImportStatusAsync).WithSummary("A lead import's progress and its rows refused, by row number.");
    }

    private static async Task<IResult> EnterAsync(ManualLead lead, IJournal journal, IDbContextFactory<LeadsDbContext> contexts, IOptions<LeadsOptions> options, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var (item, errors) = LeadEntries.ToItem(lead, Caller.Of(http.User).Id, imported: false, time.GetUtcNow(), http.Language());
        if (item is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var appended = (await journal.AppendAsync([item], ct))[0];
        var answer = await RoutedAsync(contexts, appended, options.Value.EntryRoutedWithin, ct);
        return answer.LeadId is null ? TypedResults.Accepted((string?)null, answer)
            : appended.Duplicate ? TypedResults.Ok(answer)
            : TypedResults.Created($"/api/v1/leads/{answer.LeadId}", answer);
    }

    /// <summary>Waits (at most <paramref name="within"/>) until the journal item's lead exists and is routed, owned or pooled.</summary>
    private static async Task<LeadEntryAnswer> RoutedAsync(IDbContextFactory<LeadsDbContext> contexts, AppendResult appended, TimeSpan within, CancellationToken ct)
    {
        var answer = new LeadEntryAnswer(appended.Position, appended.Duplicate);
        var key = LeadDrafts.JournalKey(appended.Position);
        var deadline = DateTime.UtcNow + within;
        await using var db = await contexts.CreateDbContextAsync(ct);
        while (DateTime.UtcNow < deadline)
        {
            var lead = await db.Touches.AsNoTracking().Where(t => t.SourceKey == key)
                .Join(db.Leads.AsNoTracking(), t => t.LeadId, l => l.Id, (t, l) => new { l.Id, l.Owner, l.Team, l.Pooled })
                .FirstOrDefaultAsync(ct);
            if (lead is not null && (lead.Owner is not null || lead.Pooled))
            {
                return answer with { LeadId = lead.Id, Owner = lead.Owner, Team = lead.Team, Pooled = lead.Pooled };
            }

            await Task.Delay(50, ct);
        }

        return answer;
    }

    private static async Task<IResult> ImportAsync(bool? preview, HttpRequest request, ImportService imports, HttpContext http, ILoggerFactory logs, CancellationToken ct)
    {
        var (sheet, refusal) = await Uploads.ReadSheetAsync(request, ImportService.MaxRows, logs.CreateLogger("Scrm.Leads.Import"), ct);
        if (sheet is null)
        {
            return refusal!;
        }

        if (preview == true)
        {
            return TypedResults.Ok(imports.PreviewOf(LeadImportRows.LeadsKind, sheet, http.Language()));
        }

        var (status, problems) = await imports.StartAsync(LeadImportRows.LeadsKind, sheet, Caller.Of(http.User).Id, http.Language(), ct);
        return status is null
            ? TypedResults.Problem(string.Join(" ", problems), statusCode: StatusCodes.Status400BadRequest)
            : TypedResults.Accepted($"/api/v1/leads/imports/{status.Id}", status);
    }

    private static async Task<Results<Ok<ImportStatus>, NotFound>> ImportStatusAsync(Guid id, ImportService imports, HttpContext http, CancellationToken ct) =>
        await imports.GetAsync(id, http.Language(), ct) is { Kind: LeadImportRows.LeadsKind } status ? TypedResults.Ok(status) : TypedResults.NotFound();
}
