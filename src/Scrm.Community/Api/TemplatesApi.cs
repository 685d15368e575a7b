using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Scrm.Community.Templates;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>A reply template: a name, Liquid text and optionally the one channel it is for.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
[System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.Strict)]
internal sealed record TemplateRequest(string? Name, string? Body, string? Channel, int? Version);

/// <summary>A preview: a saved template (<see cref="TemplateId"/>) or a draft (<see cref="Body"/>) rendered for the conversation.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
[System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.Strict)]
internal sealed record PreviewRequest(long? TemplateId, string? Body);

internal sealed record PreviewAnswer(string Text);

/// <summary>Reply templates (Liquid) for community managers: list, read, create, change, delete, preview for a conversation.</summary>
internal static class TemplatesApi
{
    private static class Texts
    {
        public static readonly UserText Name = new("name 必须为 1 到 {0} 个字符，且不含控制字符", "name must have 1 to {0} characters and no control characters");
        public static readonly UserText Body = new("body 必须为 1 到 {0} 个字符的 Liquid 文本，且不含控制字符", "body must be Liquid text of 1 to {0} characters without control characters");
        public static readonly UserText Channel = new("channel 必须是 {0} 之一，或不填（所有渠道）", "channel must be one of {0}, or absent (every channel)");
        public static readonly UserText Liquid = new("模板不是有效的 Liquid：{0}", "The template is not valid Liquid: {0}");
        public static readonly UserText Duplicate = new("已有同名模板：{0}", "A template named {0} exists already");
        public static readonly UserText Conflict = new("模板已被他人更改（当前版本 {0}），请刷新后重试", "The template changed meanwhile (now version {0}); reload and try again");
        public static readonly UserText Preview = new("需要 templateId 或 body（1 到 {0} 个字符）二选一", "give either a templateId or a body (1 to {0} characters)");
    }

    public static readonly IReadOnlyList<string> Channels = ["wechat", "wecom", "weibo", "web"];

    public static void Map(IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/v1/community/templates").WithTags("Community").RequireAuthorization(ScrmPolicies.Community).LogRefusals();
        templates.MapGet("/", ListAsync).WithSummary("The reply templates, by name; channel= keeps those for that channel (and for every channel).");
        templates.MapGet("/{id:long}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One reply template.");
        templates.MapPost("/", CreateAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Creates a reply template; Liquid that does not parse, or names an unknown variable or filter, is refused with 422 naming the error.");
        templates.MapPut("/{id:long}", UpdateAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Changes a reply template (version as last seen); 409 with the template as it is now when it changed meanwhile.");
        templates.MapDelete("/{id:long}", DeleteAsync).TakesNoBody().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Deletes a reply template.");
        app.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization(ScrmPolicies.Community).LogRefusals()
            .MapPost("/{id:long}/preview", PreviewAsync)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Renders a saved template or a draft for this conversation (customer, conversation, latest order, rep) without sending anything.");
    }

    private static async Task<IResult> ListAsync(ReplyTemplates templates, string? channel, HttpContext http, CancellationToken ct) =>
        channel is not null && !Channels.Contains(channel)
            ? Refuse(http, "channel", Texts.Channel.In(http, string.Join(", ", Channels)))
            : TypedResults.Ok(await templates.ListAsync(channel, ct));

    private static async Task<IResult> GetAsync(long id, ReplyTemplates templates, CancellationToken ct) =>
        await templates.GetAsync(id, ct) is { } template ? TypedResults.Ok(template) : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);

    private static Task<IResult> CreateAsync(TemplateRequest? request, ReplyTemplates templates, HttpContext http, CancellationToken ct) =>
        SaveAsync(null, request, templates, http, ct);

    private static Task<IResult> UpdateAsync(long id, TemplateRequest? request, ReplyTemplates templates, HttpContext http, CancellationToken ct) =>
        SaveAsync(id, request, templates, http, ct);

    private static async Task<IResult> SaveAsync(long? id, TemplateRequest? request, ReplyTemplates templates, HttpContext http, CancellationToken ct)
    {
        if (request?.Name is not { Length: > 0 and <= ReplyTemplates.MaxName } name || string.IsNullOrWhiteSpace(name) || name.Any(char.IsControl))
        {
            return Refuse(http, "name", Texts.Name.In(http, ReplyTemplates.MaxName));
        }

        if (request.Body is not { Length: > 0 and <= ReplyTemplates.MaxBody } body || string.IsNullOrWhiteSpace(body) || !CleanText(body))
        {
            return Refuse(http, "body", Texts.Body.In(http, ReplyTemplates.MaxBody));
        }

        if (request.Channel is { } channel && !Channels.Contains(channel))
        {
            return Refuse(http, "channel", Texts.Channel.In(http, string.Join(", ", Channels)));
        }

        var result = await templates.SaveAsync(id, name.Trim(), body, request.Channel, request.Version, Caller.Of(http.User).Id, ct);
        return result.Status switch
        {
            TemplateStatus.Done when id is null => TypedResults.Created($"/api/v1/community/templates/{result.Template!.Id}", result.Template),
            TemplateStatus.Done => TypedResults.Ok(result.Template),
            TemplateStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
            TemplateStatus.BadLiquid => BadLiquid(http, result.Error),
            TemplateStatus.DuplicateName => TypedResults.Problem(Texts.Duplicate.In(http, name.Trim()), statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Problem(Texts.Conflict.In(http, result.Template?.Version), statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["current"] = result.Template }),
        };
    }

    private static async Task<IResult> DeleteAsync(long id, ReplyTemplates templates, CancellationToken ct) =>
        await templates.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);

    private static async Task<IResult> PreviewAsync(long id, PreviewRequest? request, ReplyTemplates templates, HttpContext http, CancellationToken ct)
    {
        var body = request?.Body;
        var bodyOk = body is { Length: > 0 and <= ReplyTemplates.MaxBody } && !string.IsNullOrWhiteSpace(body) && CleanText(body);
        if (request is null || (request.TemplateId is null) == (body is null) || (body is not null && !bodyOk) || request.TemplateId is < 1)
        {
            return Refuse(http, "body", Texts.Preview.In(http, ReplyTemplates.MaxBody));
        }

        var rendered = await RenderAsync(id, request.TemplateId, body, templates, http, ct);
        return rendered.Problem ?? TypedResults.Ok(new PreviewAnswer(rendered.Text!));
    }

    /// <summary>A saved template (or a draft) rendered for a conversation, or the problem to answer instead.</summary>
    internal static async Task<(string? Text, IResult? Problem)> RenderAsync(long conversationId, long? templateId, string? draft, ReplyTemplates templates, HttpContext http, CancellationToken ct)
    {
        var body = draft;
        if (templateId is { } tid)
        {
            if (await templates.GetAsync(tid, ct) is not { } saved)
            {
                return (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"template {tid}"));
            }

            body = saved.Body;
        }

        var (text, error, found) = await templates.RenderForAsync(conversationId, body!, Caller.Of(http.User), ct);
        if (!found)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound));
        }

        return error is not null ? (null, BadLiquid(http, error)) : (text, null);
    }

    /// <summary>422 with the reason in the reader's language; <c>liquidError</c> keeps the template engine's own words.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BadLiquid(HttpContext http, UserText? error) =>
        TypedResults.Problem(Texts.Liquid.In(http, error), statusCode: StatusCodes.Status422UnprocessableEntity,
            title: http.Language() == Languages.English ? "Invalid Liquid template" : "Liquid 模板无效",
            extensions: new Dictionary<string, object?> { ["liquidError"] = error?.In(Languages.English) });

    /// <summary>Text an agent typed: no control characters besides line breaks and tabs, no lone surrogates.</summary>
    internal static bool CleanText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || (char.IsHighSurrogate(c) && (i + 1 >= text.Length || !char.IsLowSurrogate(text[++i]))) || char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Refuse(HttpContext http, string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
