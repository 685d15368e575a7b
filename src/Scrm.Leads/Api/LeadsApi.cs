using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Scrm.Leads.Attribution;
using Microsoft.Extensions.Options;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Leads.Api;

internal sealed record TransitionRequest(string To, string? Reason);

internal sealed record ContactRequest(string Kind, string? Outcome);

internal sealed record PaymentRequest(string PaymentId, decimal Amount, DateTimeOffset? PaidAt);

internal sealed record HandoverRequest(string From, string To);

internal sealed record CostRequest(decimal Amount);

internal sealed record StageAnswer(string Stage);

internal sealed record HandoverAnswer(int HandedOver, int Customers);

/// <summary>The sales workbench: the lead queue, guarded stage changes, contacts, payments, the pool, routing and channel ROI.</summary>
public static class LeadsApi
{
    private static class Texts
    {
        public static readonly UserText UpdateInvalid = new("金额不能为负；需求最多 2000 字", "amount must not be negative; need at most 2000 characters");
        public static readonly UserText StageInvalid = new("必须是以下阶段之一：{0}", "must be one of {0}");
        public static readonly UserText KindInvalid = new("必须是以下方式之一：{0}；结果最多 2000 字", "must be one of {0}; outcome at most 2000 characters");
        public static readonly UserText PaymentInvalid = new("必须填写 paymentId（最多 128 个字符），金额必须为正", "paymentId is required (at most 128 characters) and amount must be positive");
        public static readonly UserText HandoverInvalid = new("from 和 to 必须是两个不同的销售", "from and to must be two different reps");
        public static readonly UserText QueueInvalid = new("stage 必须是漏斗阶段之一；size 为 1 到 200", "stage must be a funnel stage; size 1 to 200");
        public static readonly UserText ReportInvalid = new("必须给出 from 和 to（yyyy-MM-dd），to 不早于 from，相隔最多一年", "from and to (yyyy-MM-dd) are required, to ≥ from, at most a year apart");
        public static readonly UserText CostInvalid = new("不能为负", "must not be negative");
    }

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

        Entry.LeadEntryApi.Map(app);

        var admin = app.MapGroup("/api/v1/leads").WithTags("Leads").RequireAuthorization(ScrmPolicies.Admin);
        admin.MapPost("/handover", HandoverAsync).WithSummary("Hand all of a departing rep's open leads to a successor, audited.");

        var marketing = app.MapGroup("/api/v1/leads").WithTags("Leads").RequireAuthorization(ScrmPolicies.Marketing);
        marketing.MapGet("/reports/channels", ReportAsync).WithSummary("Leads, conversion per stage, revenue and ROI per channel at T+1 and T+2.");
        marketing.MapPut("/costs/{channel}/{day}", CostAsync).WithSummary("A channel's spend for one day (China Standard Time).");
        return app;
    }

    private static string Me(ClaimsPrincipal user) => Caller.Of(user).Id;

    /// <summary>
    /// The answer to a change that was not done: 404 for a lead the caller may not see (it does not
    /// exist for them), 403 naming whose lead it is for one they see but may not change.
    /// </summary>
    private static IResult Answer(ChangeResult result, HttpContext http) => result.Status switch
    {
        ChangeStatus.Done => TypedResults.NoContent(),
        ChangeStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
        _ => TypedResults.Problem(
            result.Owner is { } owner ? LeadTexts.NotYours.In(http, owner) : LeadTexts.Unowned.In(http),
            statusCode: StatusCodes.Status403Forbidden,
            extensions: new Dictionary<string, object?> { ["owner"] = result.Owner, ["team"] = result.Team }),
    };

    private static async Task<Results<Ok<LeadPage>, ValidationProblem>> QueueAsync(
        LeadQueries queries, ClaimsPrincipal user, HttpContext http, string? owner, string? stage, bool? hot, bool? pooled, long? after, int? size, CancellationToken ct)
    {
        if (!TryStage(stage, out var parsed) || size is < 1 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = [Texts.QueueInvalid.In(http)] });
        }

        var who = owner == "me" ? Me(user) : owner;
        return TypedResults.Ok(await queries.QueueAsync(who, parsed, hot, pooled, after, size ?? 50, ct, Caller.Of(user).Scope(DataResources.Leads)));
    }

    private static async Task<Results<Ok<LeadDetail>, ProblemHttpResult>> DetailAsync(long id, LeadQueries queries, ClaimsPrincipal user, IOptions<ProtectionOptions> protection, CancellationToken ct)
    {
        var caller = Caller.Of(user);
        var masked = FieldPolicy.Decide(caller, null, protection.Value.UnmaskedRoles).Masked;
        return await queries.DetailAsync(id, ct, caller.Scope(DataResources.Leads), masked) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> UpdateAsync(long id, LeadUpdate update, LeadWork work, HttpContext http, CancellationToken ct)
    {
        if (update.Amount is < 0 || update.Need?.Length > 2000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [Texts.UpdateInvalid.In(http)] });
        }

        return Answer(await work.UpdateAsync(id, update, Caller.Of(http.User), ct), http);
    }

    private static async Task<IResult> TransitionAsync(long id, TransitionRequest request, LeadWork work, HttpContext http, CancellationToken ct)
    {
        if (!TryStage(request.To, out var target) || target is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = [Texts.StageInvalid.In(http, string.Join(", ", Enum.GetValues<LeadStage>().Select(LeadStages.Wire)))] });
        }

        var language = http.Language();
        var result = await work.TransitionAsync(id, target.Value, request.Reason, Caller.Of(http.User), language, ct);
        return result.Change.Status switch
        {
            ChangeStatus.Done => TypedResults.Ok(new StageAnswer(LeadStages.Wire(result.Stage))),
            ChangeStatus.Refused => TypedResults.Problem(
                LeadTexts.StageRefused.In(language, LeadStages.Show(target.Value, language), string.Join(language == Languages.English ? "; " : "；", result.Unmet)),
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["unmet"] = result.Unmet, ["stage"] = LeadStages.Wire(result.Stage) }),
            _ => Answer(result.Change, http),
        };
    }

    private static async Task<IResult> ContactAsync(long id, ContactRequest request, LeadWork work, IOptionsMonitor<LeadsOptions> options, HttpContext http, CancellationToken ct)
    {
        var kinds = options.CurrentValue.ContactKinds;
        if (Terms.Find(kinds, request.Kind) is not { } kind || request.Outcome?.Length > 2000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [Texts.KindInvalid.In(http, Terms.Names(kinds, http.Language()))] });
        }

        return Answer(await work.RecordContactAsync(id, kind, request.Outcome, Caller.Of(http.User), ct), http);
    }

    private static async Task<IResult> PaymentAsync(long id, PaymentRequest request, LeadWork work, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.PaymentId) || request.PaymentId.Length > 128 || request.Amount <= 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [Texts.PaymentInvalid.In(http)] });
        }

        return Answer(await work.RecordPaymentAsync(id, request.PaymentId, request.Amount, request.PaidAt ?? time.GetUtcNow(), Caller.Of(http.User), ct), http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ClaimAsync(long id, LeadRouting routing, HttpContext http, CancellationToken ct) =>
        await routing.ClaimAsync(id, Me(http.User), ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(LeadTexts.NotInPool.In(http), statusCode: StatusCodes.Status409Conflict);

    private static async Task<Results<Ok<RoutingDecision>, ProblemHttpResult>> RouteAsync(long id, LeadRouting routing, ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await routing.RouteAsync(id, Me(user), ct));
        }
        catch (KeyNotFoundException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);
        }
    }

    private static async Task<Ok<RoutingDecision>> SimulateAsync(RoutingLead lead, LeadRouting routing, CancellationToken ct) =>
        TypedResults.Ok(await routing.SimulateAsync(lead, ct));

    private static async Task<Ok<IReadOnlyList<Notification>>> NotificationsAsync(LeadQueries queries, ClaimsPrincipal user, long? after, CancellationToken ct) =>
        TypedResults.Ok(await queries.NotificationsAsync(Me(user), after ?? 0, ct));

    private static async Task<Results<Ok<HandoverAnswer>, ValidationProblem, ProblemHttpResult>> HandoverAsync(
        HandoverRequest request, LeadRouting routing, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.From) || string.IsNullOrWhiteSpace(request.To) || request.From == request.To)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [Texts.HandoverInvalid.In(http)] });
        }

        var by = Me(http.User);
        if (await routing.HandOverAsync(request.From, request.To, by, ct) is not { } done)
        {
            return TypedResults.Problem(LeadTexts.UnknownRep.In(http, request.To), statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["to"] = request.To });
        }

        return TypedResults.Ok(new HandoverAnswer(done.Leads, done.Customers));
    }

    private static async Task<Results<Ok<IReadOnlyList<ChannelLine>>, ValidationProblem>> ReportAsync(ChannelReports reports, HttpContext http, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        if (from is null || to is null || to < from || to.Value.DayNumber - from.Value.DayNumber > 366)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = [Texts.ReportInvalid.In(http)] });
        }

        return TypedResults.Ok(await reports.BuildAsync(from.Value, to.Value, ct));
    }

    private static async Task<Results<NoContent, ValidationProblem>> CostAsync(string channel, DateOnly day, CostRequest request, LeadWork work, HttpContext http, CancellationToken ct)
    {
        if (request.Amount < 0 || channel.Length > 64)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = [Texts.CostInvalid.In(http)] });
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
