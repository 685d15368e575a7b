using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Scrm.Platform.Security;

namespace Scrm.Community.Api;

/// <summary>The community manager's API.</summary>
public static class CommunityApi
{
    public static IEndpointRouteBuilder MapCommunityApi(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup("/api/v1/community").WithTags("Community").RequireAuthorization(ScrmPolicies.Community).LogRefusals();
        community.MapPost("/classify", ClassifyApi.ClassifyAsync)
            .WithSummary("Classifies up to 1,000 texts: intent, sentiment and topics for each, in order, with the model version that decided.");
        community.MapPost("/corrections", ClassifierApi.CorrectAsync)
            .WithSummary("Records what a text should have been classified as; the next retrain learns it.");
        community.MapGet("/models", ClassifierApi.ModelsAsync).WithSummary("The classifier's model versions, the active one marked.");
        community.MapGet("/lexicon", ClassifierApi.Lexicon).WithSummary("The word lists per class that the rules read and the model takes as features.");
        community.MapPut("/lexicon", ClassifierApi.SetLexiconAsync).WithSummary("Replaces the word lists (a new lexicon version).");
        community.MapGet("/notifications", NotificationsAsync)
            .WithSummary("My notifications, newest first: service-level warnings and escalations, low satisfaction scores; before= pages back.");
        community.MapGet("/reports/csat", CsatAsync)
            .WithSummary("Satisfaction per agent, channel and intent over the surveys sent from= to= on the conversations in the caller's data scope (ISO dates; the last 30 days by default): sent, answered, average score, CSAT %.");
        community.MapGet("/reports/sla", SlaAsync)
            .WithSummary("Service levels per team, agent, channel and intent over the conversations in the caller's data scope opened from= to= (ISO dates; the last 30 days by default): conversations, first-response time p50/p90 in working minutes, first-response and resolution breaches, escalations, and those open and overdue now.");
        community.MapGet("/service-targets", ServiceTargetsApi.GetAsync)
            .WithSummary("The service-level targets per intent × customer value tier × channel (business minutes to the first response and to resolution); the most specific matching row decides.");
        community.MapGet("/calendar", CalendarApi.GetAsync).WithSummary("The working calendar (public holidays and adjusted working days, with their sources).");

        var admin = app.MapGroup("/api/v1/community").WithTags("Community").RequireAuthorization(ScrmPolicies.Admin).LogRefusals();
        admin.MapPost("/models/retrain", ClassifierApi.Retrain).TakesNoBody().ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Retrains the classifier from the labelled data and every correction, in the background.");
        admin.MapPost("/models/{version}/activate", ClassifierApi.ActivateAsync).TakesNoBody().WithSummary("Makes a model version decide again.");
        admin.MapPost("/models/rollback", ClassifierApi.RollbackAsync).TakesNoBody().ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Goes back to the version active before the current one.");
        admin.MapPut("/service-targets", ServiceTargetsApi.SetAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replaces the service-level table (version as last read; 409 with the current table when it changed meanwhile); new waits are timed by it.");
        admin.MapPut("/calendar/{year:int}", CalendarApi.SetYearAsync).WithSummary("Replaces one year of the working calendar (from the State Council's notice).");
        app.MapConversationsApi();
        TemplatesApi.Map(app);
        KnowledgeApi.Map(app);
        return app;
    }

    private static async Task<IResult> NotificationsAsync(Workflow.ServiceLevelAlerts alerts, HttpContext http, long? before, int? size, CancellationToken ct) =>
        size is < 1 or > 200 || before is < 1
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["size"] = [Texts.Page.In(http)] })
            : TypedResults.Ok(await alerts.ForAsync(Caller.Of(http.User).Id, before, size ?? 50, ct));

    private static async Task<IResult> CsatAsync(Satisfaction.CsatReport report, TimeProvider time, HttpContext http, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        return start >= end || end - start > TimeSpan.FromDays(366)
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = [Texts.Period.In(http)] })
            : TypedResults.Ok(await report.BuildAsync(start, end, Caller.Of(http.User).Scope(DataResources.Conversations), ct));
    }

    private static async Task<IResult> SlaAsync(Conversations.SlaReport report, TimeProvider time, HttpContext http, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        return start >= end || end - start > TimeSpan.FromDays(366)
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = [Texts.Period.In(http)] })
            : TypedResults.Ok(await report.BuildAsync(start, end, Caller.Of(http.User).Scope(DataResources.Conversations), ct));
    }

    private static class Texts
    {
        public static readonly Scrm.Platform.Text.UserText Period = new("from 必须早于 to，且相隔不超过 366 天", "from must come before to, at most 366 days apart");
        public static readonly Scrm.Platform.Text.UserText Page = new("size 为 1 到 200；before 必须是一条通知的 id", "size must be 1 to 200; before must be a notification's id");
    }
}
