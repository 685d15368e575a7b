using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Scrm.Community.Classification;
using Scrm.Community.Conversations;
using Scrm.Community.Storage;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>The community manager's inbox: conversations most urgent first, and one conversation with its messages and customer.</summary>
internal static class ConversationsApi
{
    private static class Texts
    {
        public static readonly UserText Query = new(
            "status 必须是 {0} 之一；intent 必须是 {1} 之一；channel 最多 32 个字符；size 为 1 到 200；after 必须是上一页给出的游标",
            "status must be one of {0}; intent one of {1}; channel at most 32 characters; size 1 to 200; after must be a cursor a page gave");
    }

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var community = app.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization(ScrmPolicies.Community).LogRefusals();
        community.MapGet("/", InboxAsync)
            .WithSummary("The inbox, most urgent first: assignee=me|none|agent, status, intent, channel, breaching; cursor paging with after.");
        community.MapGet("/{id:long}", DetailAsync)
            .WithSummary("A conversation with its classified messages, its reply window and the customer (protected fields masked per role).");
        community.MapPost("/{id:long}/assign", ConversationWorkApi.AssignAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem()
            .WithSummary("Hands the conversation to an agent (audited); 409 with the conversation as it is now when the version seen is stale.");
        community.MapPost("/{id:long}/take-over", ConversationWorkApi.TakeOverAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The caller takes the conversation over (audited).");
        community.MapPost("/{id:long}/resolve", ConversationWorkApi.ResolveAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Resolves the conversation; the customer's next message reopens it.");
        community.MapPost("/{id:long}/reopen", ConversationWorkApi.ReopenAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Opens a pending or resolved conversation again.");
        community.MapPost("/{id:long}/messages/{messageId:long}/intent", ConversationWorkApi.CorrectIntentAsync)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem()
            .WithSummary("Corrects a customer message's intent: shown on the message (and the conversation, for the latest message) and learned by the next retrain.");
        community.MapPost("/{id:long}/notes", ConversationWorkApi.NoteAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem()
            .WithSummary("An internal note for colleagues; never sent to the customer.");
        community.MapPost("/{id:long}/replies", ConversationWorkApi.ReplyAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable).ProducesValidationProblem()
            .WithSummary("Replies through the conversation's channel, once per Idempotency-Key; WeChat free text only within 48 hours of the customer's last message (422 names the window; a template is the alternative).");
        return app;
    }

    private static async Task<Results<Ok<ConversationPage>, ValidationProblem>> InboxAsync(
        ConversationQueries queries, HttpContext http, IOptions<ProtectionOptions> protection,
        string? assignee, string? status, string? intent, string? channel, bool? breaching, string? after, int? size, CancellationToken ct)
    {
        if ((status is not null && !ConversationStatus.All.Contains(status))
            || (intent is not null && !Taxonomy.Intents.All.Contains(intent))
            || channel is { Length: 0 or > 32 }
            || assignee is { Length: 0 or > 128 }
            || size is < 1 or > 200
            || !InboxCursor.TryParse(after, out var cursor))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["query"] = [Texts.Query.In(http, string.Join(", ", ConversationStatus.All), string.Join(", ", Taxonomy.Intents.All))],
            });
        }

        var caller = Caller.Of(http.User);
        var who = assignee switch
        {
            "me" => caller.Id,
            "none" => InboxFilter.Unassigned,
            _ => assignee,
        };
        var masked = FieldPolicy.Decide(caller, null, protection.Value.UnmaskedRoles).Masked;
        var filter = new InboxFilter(who, status, intent, channel, breaching, cursor, size ?? 50);
        return TypedResults.Ok(await queries.InboxAsync(filter, caller.Scope(DataResources.Conversations), masked, ct));
    }

    private static async Task<Results<Ok<ConversationDetail>, ProblemHttpResult>> DetailAsync(
        long id, ConversationQueries queries, ClaimsPrincipal user, IOptions<ProtectionOptions> protection, CancellationToken ct) =>
        await queries.DetailAsync(id, Caller.Of(user), protection.Value.UnmaskedRoles, ct) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);
}
