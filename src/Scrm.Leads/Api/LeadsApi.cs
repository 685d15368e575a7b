using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Scrm.Leads.Attribution;
using Scrm.Leads.Funnel;
using Scrm.Leads.Routing;
using Scrm.Platform.Security;

namespace Scrm.Leads.Api;

public sealed record TransitionRequest(string To, string? Reason);

public sealed record ContactRequest(string Kind, string? Outcome);

public sealed record PaymentRequest(string PaymentId, decimal Amount, DateTimeOffset? PaidAt);

public sealed record HandoverRequest(string From, string To);

public sealed record CostRequest(decimal Amount);

/// <summary>The sales workbench: the lead queue, guarded stage changes, contacts, payments, the pool, routing and channel ROI.</summary>
public static class LeadsApi
{
    private static readonly HashSet<string> ContactKinds = ["phone", "email", "visit", "wechat", "wecom", "sms", "other"];

    public static IEndpointRouteBuilder MapLeadsApi(this IEndpointRouteBuilder app)
    {
        var sales = app.MapGroup("/api/v1/leads").WithTags("Leads").RequireAuthorization(ScrmPolicies.Sales);
        sales.MapGet("/", QueueAsync).WithSummary("The lead queue: owner=me for my leads; filters stage, hot, pooled; keyset paging with after.");
        sales.MapGet("/{id:long}", DetailAsync).WithSummary("A lead with its source, score breakdown, stage history, assignments, follow-ups and onboarding tasks.");
        sales.MapPatch("/{id:long}", UpdateAsync).WithSummary("Record the need, the expected amount and close date, region or product.");
        sales.MapPost("/{id:long}/transitions", TransitionAsync).WithSummary("Move the lead to a stage; 422 lists every unmet condition.");
        sales.MapPost("/{id:long}/contacts", ContactAsync).WithSummary("Record a contact attempt (phone, e-mail, visit, WeChat…) with its outcome.");
        sales.MapPost("/{id:long}/payments", PaymentAsync).WithSummary("Record a payment (once per payment id); the first hands the customer to service.");
        sales.MapPost("/{id:long}/claim", ClaimAsync).WithSummary("Take a lead from the shared pool.");
        sales.MapPost("/{id:long}/route", RouteAsync).WithSummary("Route an unowned lead now.");
        sales.MapPost("/routing/simulate", SimulateAsync).WithSummary("Who would get this lead and why, without assigning it.");
        sales.MapGet("/notifications", NotificationsAsync).WithSummary("My notification list: new leads, reminders, escalations, big deals.");

        var admin = app.MapGroup("/api/v1/leads").WithTags("Leads").RequireAuthorization(ScrmPolicies.Admin);
        admin.MapPost("/handover", HandoverAsync).WithSummary("Hand all of a departing rep's open leads to a successor, audited.");

        var marketing = app.MapGroup("/api/v1/leads").WithTags("Leads").RequireAuthorization(ScrmPolicies.Marketing);
        marketing.MapGet("/reports/channels", ReportAsync).WithSummary("Leads, conversion per stage, revenue and ROI per channel at T+1 and T+2.");
        marketing.MapPut("/costs/{channel}/{day}", CostAsync).WithSummary("A channel's spend for one day (China Standard Time).");
        return app;
    }

    private static string Me(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    private static async Task<Results<Ok<LeadPage>, ValidationProblem>> QueueAsync(
        LeadQueries queries, ClaimsPrincipal user, string? owner, string? stage, bool? hot, bool? pooled, long? after, int? size, CancellationToken ct)
    {
        if (!TryStage(stage, out var parsed) || size is < 1 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = ["stage must be a funnel stage; size 1 to 200"] });
        }

        var who = owner == "me" ? Me(user) : owner;
        return TypedResults.Ok(await queries.QueueAsync(who, parsed, hot, pooled, after, size ?? 50, ct));
    }

    private static async Task<Results<Ok<LeadDetail>, NotFound>> DetailAsync(long id, LeadQueries queries, CancellationToken ct) =>
        await queries.DetailAsync(id, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> UpdateAsync(long id, LeadUpdate update, LeadWork work, ClaimsPrincipal user, CancellationToken ct)
    {
        if (update.Amount is < 0 || update.Need?.Length > 2000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["amount must not be negative; need at most 2000 characters"] });
        }

        return await work.UpdateAsync(id, update, Me(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<IResult> TransitionAsync(long id, TransitionRequest request, LeadWork work, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!TryStage(request.To, out var target) || target is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = [$"must be one of {string.Join(", ", Enum.GetNames<LeadStage>())}"] });
        }

        var result = await work.TransitionAsync(id, target.Value, request.Reason, Me(user), ct);
        if (result is null)
        {
            return TypedResults.NotFound();
        }

        return result.Done
            ? TypedResults.Ok(new { stage = result.Stage })
            : TypedResults.Problem(
                $"The lead cannot move to {target}: {string.Join("; ", result.Unmet)}.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Stage change refused",
                extensions: new Dictionary<string, object?> { ["unmet"] = result.Unmet, ["stage"] = result.Stage.ToString() });
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ContactAsync(long id, ContactRequest request, LeadWork work, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!ContactKinds.Contains(request.Kind) || request.Outcome?.Length > 2000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"must be one of {string.Join(", ", ContactKinds)}; outcome at most 2000 characters"] });
        }

        return await work.RecordContactAsync(id, request.Kind, request.Outcome, Me(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> PaymentAsync(long id, PaymentRequest request, LeadWork work, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.PaymentId) || request.PaymentId.Length > 128 || request.Amount <= 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["paymentId is required (at most 128 characters) and amount must be positive"] });
        }

        return await work.RecordPaymentAsync(id, request.PaymentId, request.Amount, request.PaidAt ?? time.GetUtcNow(), ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, Conflict<ProblemHttpResult>>> ClaimAsync(long id, LeadRouting routing, ClaimsPrincipal user, CancellationToken ct) =>
        await routing.ClaimAsync(id, Me(user), ct)
            ? TypedResults.NoContent()
            : TypedResults.Conflict(TypedResults.Problem("The lead is not in the shared pool (someone claimed it, or it is owned or closed).", statusCode: StatusCodes.Status409Conflict));

    private static async Task<Results<Ok<RoutingDecision>, NotFound>> RouteAsync(long id, LeadRouting routing, ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await routing.RouteAsync(id, Me(user), ct));
        }
        catch (KeyNotFoundException)
        {
            return TypedResults.NotFound();
        }
    }

    private static async Task<Ok<RoutingDecision>> SimulateAsync(RoutingLead lead, LeadRouting routing, CancellationToken ct) =>
        TypedResults.Ok(await routing.SimulateAsync(lead, ct));

    private static async Task<Ok<IReadOnlyList<Notification>>> NotificationsAsync(LeadQueries queries, ClaimsPrincipal user, long? after, CancellationToken ct) =>
        TypedResults.Ok(await queries.NotificationsAsync(Me(user), after ?? 0, ct));

    private static async Task<Results<Ok<object>, ValidationProblem>> HandoverAsync(HandoverRequest request, LeadRouting routing, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.From) || string.IsNullOrWhiteSpace(request.To) || request.From == request.To)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["from and to must be two different reps"] });
        }

        return TypedResults.Ok<object>(new { handedOver = await routing.HandOverAsync(request.From, request.To, Me(user), ct) });
    }

    private static async Task<Results<Ok<IReadOnlyList<ChannelLine>>, ValidationProblem>> ReportAsync(ChannelReports reports, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (from is null || to is null || to < from || to.Value.DayNumber - from.Value.DayNumber > 366)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from and to (yyyy-MM-dd) are required, to ≥ from, at most a year apart"] });
        }

        return TypedResults.Ok(await reports.BuildAsync(from.Value, to.Value, ct));
    }

    private static async Task<Results<NoContent, ValidationProblem>> CostAsync(string channel, DateOnly day, CostRequest request, LeadWork work, CancellationToken ct)
    {
        if (request.Amount < 0 || channel.Length > 64)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = ["must not be negative"] });
        }

        await work.SetChannelCostAsync(channel, day, request.Amount, ct);
        return TypedResults.NoContent();
    }

    private static bool TryStage(string? text, out LeadStage? stage)
    {
        stage = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (Enum.TryParse<LeadStage>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            stage = parsed;
            return true;
        }

        return false;
    }
}
