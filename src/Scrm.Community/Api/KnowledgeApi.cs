using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Scrm.Community.Knowledge;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>A knowledge-base article as an editor gives it; <see cref="Version"/> (the version last seen) is required to change one.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record ArticleRequest(string? Title, string? Body, IReadOnlyList<string?>? Tags, IReadOnlyList<string?>? Channels, bool? Active, int? Version);

/// <summary>A reply draft from a knowledge-base article.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record DraftRequest(long? ArticleId);

/// <summary>The knowledge base: search and read (agents), edit (community managers), suggestions and reply drafts for a conversation.</summary>
internal static class KnowledgeApi
{
    private static class Texts
    {
        public static readonly UserText Title = new("title 必须为 1 到 {0} 个字符，且不含控制字符", "title must have 1 to {0} characters and no control characters");
        public static readonly UserText Body = new("body 必须为 1 到 {0} 个字符，且不含控制字符", "body must have 1 to {0} characters and no control characters");
        public static readonly UserText Tags = new("tags 最多 {0} 个，每个 1 到 {1} 个字符，不含控制字符", "tags are at most {0}, each 1 to {1} characters without control characters");
        public static readonly UserText Channels = new("channels 只能包含 {0}（不填表示所有渠道）", "channels may hold only {0} (none: every channel)");
        public static readonly UserText Version = new("需要 version：文章最后一次看到时的版本号（非负整数）", "version is required: the article's version as last seen (a whole number, 0 or more)");
        public static readonly UserText Duplicate = new("已有同名文章：{0}", "An article titled {0} exists already");
        public static readonly UserText Conflict = new("文章已被他人更改（当前版本 {0}），请刷新后重试", "The article changed meanwhile (now version {0}); reload and try again");
        public static readonly UserText Editors = new("只有社区经理（组长、主管）或管理员可以编辑知识库", "only community managers (team leads, managers) or admins may edit the knowledge base");
        public static readonly UserText Query = new("q 最多 200 个字符；tag 最多 {0} 个字符；channel 必须是 {1} 之一；size 为 1 到 100", "q at most 200 characters; tag at most {0}; channel one of {1}; size 1 to 100");
        public static readonly UserText Article = new("需要 articleId：一篇启用的知识库文章", "articleId is required: an active knowledge-base article");
        public static readonly UserText Unsuitable = new("这篇文章不适用于此会话的渠道", "this article is not for this conversation's channel");
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var articles = app.MapGroup("/api/v1/community/articles").WithTags("Community").RequireAuthorization(ScrmPolicies.Community).LogRefusals();
        articles.MapGet("/", SearchAsync)
            .WithSummary("Knowledge-base articles: q= matches Chinese or other words in title, tags and body (best first); tag=, channel=, inactive=true (editors) narrow or widen it.");
        articles.MapGet("/{id:long}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One article.");
        articles.MapPost("/", CreateAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds an article (community managers).");
        articles.MapPut("/{id:long}", UpdateAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Changes an article (community managers; version as last seen); 409 with the article as it is now when it changed meanwhile.");
        articles.MapDelete("/{id:long}", DeleteAsync).TakesNoBody().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Deletes an article (community managers; version= as last seen).");
        var conversations = app.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization(ScrmPolicies.Community).LogRefusals();
        conversations.MapGet("/{id:long}/suggestions", SuggestAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The three knowledge-base articles that best answer the customer's latest message (its words, intent and topics), suited to the conversation's channel.");
        conversations.MapPost("/{id:long}/drafts", DraftAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Starts a reply from a knowledge-base article: its text, to edit and send as a reply (nothing is sent); counts a use of the article.");
    }

    private static async Task<IResult> SearchAsync(KnowledgeBase kb, HttpContext http, string? q, string? tag, string? channel, bool? inactive, int? size, CancellationToken ct)
    {
        if (q is { Length: > 200 } || tag is { Length: 0 or > KnowledgeBase.MaxTag } || (channel is not null && !TemplatesApi.Channels.Contains(channel)) || size is < 1 or > 100)
        {
            return Refuse(http, "query", Texts.Query.In(http, KnowledgeBase.MaxTag, string.Join(", ", TemplatesApi.Channels)));
        }

        var includeInactive = inactive == true && kb.MayEdit(Caller.Of(http.User));
        return TypedResults.Ok(await kb.SearchAsync(q, tag, channel, includeInactive, size ?? 20, ct));
    }

    private static async Task<IResult> GetAsync(long id, KnowledgeBase kb, HttpContext http, CancellationToken ct) =>
        await kb.GetAsync(id, ct) is { } article && (article.Active || kb.MayEdit(Caller.Of(http.User)))
            ? TypedResults.Ok(article)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);

    private static Task<IResult> CreateAsync(ArticleRequest? request, KnowledgeBase kb, HttpContext http, CancellationToken ct) => SaveAsync(null, request, kb, http, ct);

    private static Task<IResult> UpdateAsync(long id, ArticleRequest? request, KnowledgeBase kb, HttpContext http, CancellationToken ct) => SaveAsync(id, request, kb, http, ct);

    private static async Task<IResult> SaveAsync(long? id, ArticleRequest? request, KnowledgeBase kb, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.Of(http.User);
        if (!kb.MayEdit(caller))
        {
            return TypedResults.Problem(Texts.Editors.In(http), statusCode: StatusCodes.Status403Forbidden);
        }

        if (Validate(id, request, http) is { } problem)
        {
            return problem;
        }

        var draft = new ArticleDraft(request!.Title!.Trim(), request.Body!, [.. request.Tags?.Select(t => t!.Trim()).Distinct(StringComparer.Ordinal) ?? []],
            [.. request.Channels?.Select(c => c!).Distinct(StringComparer.Ordinal) ?? []], request.Active ?? true);
        var result = await kb.SaveAsync(id, draft, request.Version, caller.Id, ct);
        return result.Status switch
        {
            ArticleStatus.Done when id is null => TypedResults.Created($"/api/v1/community/articles/{result.Article!.Id}", result.Article),
            ArticleStatus.Done => TypedResults.Ok(result.Article),
            ArticleStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
            ArticleStatus.DuplicateTitle => TypedResults.Problem(Texts.Duplicate.In(http, draft.Title), statusCode: StatusCodes.Status409Conflict),
            _ => Conflict(http, result.Article),
        };
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? Validate(long? id, ArticleRequest? request, HttpContext http)
    {
        if (request?.Title is not { Length: > 0 and <= KnowledgeBase.MaxTitle } title || string.IsNullOrWhiteSpace(title) || title.Any(char.IsControl) || !TemplatesApi.CleanText(title))
        {
            return Refuse(http, "title", Texts.Title.In(http, KnowledgeBase.MaxTitle));
        }

        if (request.Body is not { Length: > 0 and <= KnowledgeBase.MaxBody } body || string.IsNullOrWhiteSpace(body) || !TemplatesApi.CleanText(body))
        {
            return Refuse(http, "body", Texts.Body.In(http, KnowledgeBase.MaxBody));
        }

        if (request.Tags is { } tags && (tags.Count > KnowledgeBase.MaxTags
            || tags.Any(t => t is null || t.Trim().Length is 0 or > KnowledgeBase.MaxTag || t.Any(char.IsControl) || !TemplatesApi.CleanText(t))))
        {
            return Refuse(http, "tags", Texts.Tags.In(http, KnowledgeBase.MaxTags, KnowledgeBase.MaxTag));
        }

        if (request.Channels is { } channels && channels.Any(c => c is null || !TemplatesApi.Channels.Contains(c)))
        {
            return Refuse(http, "channels", Texts.Channels.In(http, string.Join(", ", TemplatesApi.Channels)));
        }

        return id is not null && request.Version is not >= 0 ? Refuse(http, "version", Texts.Version.In(http)) : null;
    }

    private static async Task<IResult> DeleteAsync(long id, int? version, KnowledgeBase kb, HttpContext http, CancellationToken ct)
    {
        if (!kb.MayEdit(Caller.Of(http.User)))
        {
            return TypedResults.Problem(Texts.Editors.In(http), statusCode: StatusCodes.Status403Forbidden);
        }

        if (version is not >= 0)
        {
            return Refuse(http, "version", Texts.Version.In(http));
        }

        var result = await kb.DeleteAsync(id, version.Value, ct);
        return result.Status switch
        {
            ArticleStatus.Done => TypedResults.NoContent(),
            ArticleStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
            _ => Conflict(http, result.Article),
        };
    }

    private static async Task<IResult> SuggestAsync(long id, KnowledgeBase kb, HttpContext http, CancellationToken ct) =>
        await kb.SuggestAsync(id, Caller.Of(http.User), ct) is { } suggestions
            ? TypedResults.Ok(suggestions)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);

    private static async Task<IResult> DraftAsync(long id, DraftRequest? request, KnowledgeBase kb, HttpContext http, CancellationToken ct)
    {
        if (request?.ArticleId is not ({ } articleId and > 0))
        {
            return Refuse(http, "articleId", Texts.Article.In(http));
        }

        var (status, draft) = await kb.DraftAsync(id, articleId, Caller.Of(http.User), ct);
        return status switch
        {
            ArticleStatus.Done => TypedResults.Ok(draft),
            ArticleStatus.Unsuitable => TypedResults.Problem(Texts.Unsuitable.In(http), statusCode: StatusCodes.Status422UnprocessableEntity),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
        };
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Conflict(HttpContext http, Article? current) =>
        TypedResults.Problem(Texts.Conflict.In(http, current?.Version), statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["current"] = current });

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Refuse(HttpContext http, string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
