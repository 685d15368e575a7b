using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Community.Conversations;
using Scrm.Community.Replies;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>Hand a conversation to an agent; <see cref="Version"/> is the conversation's version as last seen (optional).</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
[System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.Strict)]
internal sealed record AssignRequest(string? To, int? Version);

/// <summary>Take over, resolve or reopen: the conversation's version as last seen (required: a body without it is refused).</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
[System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.Strict)]
internal sealed record VersionRequest(int? Version);

/// <summary>
/// A reply through the conversation's channel: <see cref="Text"/>, or a WeChat template
/// (<see cref="TemplateId"/> with <see cref="Values"/>), which is the one kind allowed outside the
/// 48-hour window. The <c>Idempotency-Key</c> header names the reply: a retry with it sends nothing twice.
/// </summary>
/// <see cref="ReplyTemplateId"/> instead starts from a saved reply template, rendered for the conversation and sent as text.
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
[System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.Strict)]
internal sealed record ReplyRequest(string? Text, string? TemplateId, IReadOnlyDictionary<string, string?>? Values, int? Version, long? ReplyTemplateId = null);

/// <summary>What a customer message's intent should have been; the conversation's version as last seen (optional).</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
[System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.Strict)]
internal sealed record IntentRequest(string? Intent, int? Version);

/// <summary>An internal note: kept on the conversation for colleagues, never sent to the customer.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
internal sealed record NoteRequest(string? Text);

internal sealed record ReplyAnswer(long MessageId, string Status, string? ChannelStatus, int Version);

/// <summary>Assign, take over, resolve, reopen, reply and note; every change checks the conversation's version.</summary>
internal static partial class ConversationWorkApi
{
    public const int MaxText = 2_000;
    private const string LogCategory = "Scrm.Community.Api.Conversations";

    private static class Texts
    {
        public static readonly UserText Version = new("需要 version：会话最后一次看到时的版本号（非负整数）", "version is required: the conversation's version as last seen (a whole number, 0 or more)");
        public static readonly UserText To = new("to 必须是一位客服（最多 128 个字符）", "to must name an agent (at most 128 characters)");
        public static readonly UserText UnknownAgent = new("{0} 不是可以接待会话的客服", "{0} is not an agent who can take conversations");
        public static readonly UserText NotYours = new("只有当前负责人、其组长或管理员可以转交此会话", "only the assignee, their team lead or an admin may hand this conversation on");
        public static readonly UserText Conflict = new("会话已被他人更改（当前版本 {0}），请刷新后重试", "the conversation changed meanwhile (now version {0}); reload and try again");
        public static readonly UserText Key = new("需要 Idempotency-Key 请求头（1 到 100 个可见字符），重试时使用同一个值", "an Idempotency-Key header (1 to 100 visible characters) is required; send the same value on a retry");
        public static readonly UserText Body = new("需要 text（1 到 {0} 个字符，不含控制字符）或 templateId（及 values）二选一", "give either text (1 to {0} characters, no control characters) or a templateId (with values)");
        public static readonly UserText Intent = new("intent 必须是 {0} 之一", "intent must be one of {0}");
        public static readonly UserText Rendered = new("模板为此会话渲染出的文本为空或超过 {0} 个字符", "the template renders empty or longer than {0} characters for this conversation");
        public static readonly UserText NoteBody = new("text 必须为 1 到 {0} 个字符，且不含控制字符", "text must have 1 to {0} characters and no control characters");
        public static readonly UserText Window = new(
            "已超出微信 48 小时客服消息窗口（客户最后一条消息后 48 小时，已于 {0:yyyy-MM-dd HH:mm} UTC 关闭）；窗口外只能发送模板消息",
            "outside WeChat's 48-hour customer-service window (48 hours after the customer's last message, closed at {0:yyyy-MM-dd HH:mm} UTC); only a template message may be sent now");
        public static readonly UserText KfWindow = new(
            "已超出微信客服的 48 小时回复期限（客户最后一条消息后 48 小时，已于 {0:yyyy-MM-dd HH:mm} UTC 结束）；客户再次发来消息后才能回复",
            "outside WeChat customer service's 48-hour window (48 hours after the customer's last message, closed at {0:yyyy-MM-dd HH:mm} UTC); a reply is possible once the customer writes again");
        public static readonly UserText KfCount = new(
            "客户最后一条消息后已发送 {0} 条消息：微信客服在客户再次发来消息前最多发送 5 条（48 小时内）",
            "{0} messages were sent since the customer's last message: WeChat customer service allows at most 5 (within 48 hours) until the customer writes again");
        public static readonly UserText ChannelWindow = new("渠道的回复窗口已关闭，渠道拒绝了这条回复：{0}", "the channel's reply window is closed and it refused the reply: {0}");
        public static readonly UserText InProgress = new("使用此 Idempotency-Key 的回复正在发送中", "a reply with this Idempotency-Key is being sent");
        public static readonly UserText Unavailable = new("渠道暂时无法发送（{0}），请用同一个 Idempotency-Key 稍后重试", "the channel cannot send now ({0}); retry later with the same Idempotency-Key");
        public static readonly UserText Refused = new("渠道拒绝了这条回复（{0}）：{1}", "the channel refused the reply ({0}): {1}");
    }

    public static async Task<IResult> AssignAsync(long id, AssignRequest? request, ConversationWork work, HttpContext http, CancellationToken ct)
    {
        if (request?.To is not { Length: > 0 and <= 128 } to || to.Any(char.IsControl) || request.Version is < 0)
        {
            return Refuse(http, "to", Texts.To.In(http));
        }

        return Answer(await work.AssignAsync(id, to, request.Version, Caller.Of(http.User), ct), http, to);
    }

    public static async Task<IResult> TakeOverAsync(long id, VersionRequest? request, ConversationWork work, HttpContext http, CancellationToken ct) =>
        request?.Version is not ({ } version and >= 0)
            ? Refuse(http, "version", Texts.Version.In(http))
            : Answer(await work.TakeOverAsync(id, version, Caller.Of(http.User), ct), http, null);

    public static async Task<IResult> ResolveAsync(long id, VersionRequest? request, ConversationWork work, HttpContext http, CancellationToken ct) =>
        request?.Version is not ({ } version and >= 0)
            ? Refuse(http, "version", Texts.Version.In(http))
            : Answer(await work.ResolveAsync(id, version, Caller.Of(http.User), ct), http, null);

    public static async Task<IResult> ReopenAsync(long id, VersionRequest? request, ConversationWork work, HttpContext http, CancellationToken ct) =>
        request?.Version is not ({ } version and >= 0)
            ? Refuse(http, "version", Texts.Version.In(http))
            : Answer(await work.ReopenAsync(id, version, Caller.Of(http.User), ct), http, null);

    public static async Task<IResult> CorrectIntentAsync(long id, long messageId, IntentRequest? request, ConversationClassification classification, HttpContext http, CancellationToken ct)
    {
        if (request?.Intent is not { } intent || !Classification.Taxonomy.Intents.All.Contains(intent))
        {
            return Refuse(http, "intent", Texts.Intent.In(http, string.Join(", ", Classification.Taxonomy.Intents.All)));
        }

        return Answer(await classification.CorrectIntentAsync(id, messageId, intent, request.Version, Caller.Of(http.User), ct), http, null);
    }

    public static async Task<IResult> NoteAsync(long id, NoteRequest? request, ConversationWork work, HttpContext http, CancellationToken ct)
    {
        if (request?.Text is not { Length: > 0 and <= MaxText } text || string.IsNullOrWhiteSpace(text) || !TemplatesApi.CleanText(text))
        {
            return Refuse(http, "text", Texts.NoteBody.In(http, MaxText));
        }

        return await work.NoteAsync(id, text, Caller.Of(http.User), ct) is { } messageId
            ? TypedResults.Created($"/api/v1/conversations/{id}", new { messageId })
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> ReplyAsync(
        long id, ReplyRequest? request, [FromHeader(Name = "Idempotency-Key")] string? key, ReplyService replies, Templates.ReplyTemplates templates, HttpContext http, CancellationToken ct)
    {
        if (key is not { Length: > 0 and <= 100 } || key.Any(c => c <= ' ' || c > '~'))
        {
            return Refuse(http, "Idempotency-Key", Texts.Key.In(http));
        }

        var text = request?.Text;
        var template = request?.TemplateId;
        if (request?.ReplyTemplateId is { } replyTemplate)
        {
            if (text is not null || template is not null || replyTemplate < 1)
            {
                return Refuse(http, "body", Texts.Body.In(http, MaxText));
            }

            var rendered = await TemplatesApi.RenderAsync(id, replyTemplate, null, templates, http, ct);
            if (rendered.Problem is { } problem)
            {
                return problem;
            }

            if (rendered.Text is not { Length: > 0 and <= MaxText } renderedText || string.IsNullOrWhiteSpace(renderedText))
            {
                return TypedResults.Problem(Texts.Rendered.In(http, MaxText), statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            text = renderedText;
        }

        var values = request?.Values;
        var textOk = text is { Length: > 0 and <= MaxText } && !string.IsNullOrWhiteSpace(text) && TemplatesApi.CleanText(text);
        var templateOk = template is { Length: > 0 and <= 128 } && !template.Any(char.IsControl)
            && (values is null || (values.Count <= 20 && values.All(v => v.Key.Length is > 0 and <= 64 && v.Value is { Length: <= 200 } value && TemplatesApi.CleanText(value))));
        if (request is null || textOk == templateOk || (text is not null && template is not null) || request.Version is < 0)
        {
            return Refuse(http, "body", Texts.Body.In(http, MaxText));
        }

        var content = new ReplyContent(textOk ? text : null, templateOk ? template : null,
            templateOk ? values?.ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal) : null);
        var result = await replies.ReplyAsync(id, key, content, request.Version, Caller.Of(http.User), ct);
        return result.Status switch
        {
            ReplyStatus.Sent => TypedResults.Created($"/api/v1/conversations/{id}", Of(result.Outcome!)),
            ReplyStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
            ReplyStatus.Conflict => Conflict(http, result.Current),
            ReplyStatus.OutsideWindow => OutsideWindow(http, result),
            ReplyStatus.InProgress => TypedResults.Problem(Texts.InProgress.In(http), statusCode: StatusCodes.Status409Conflict),
            ReplyStatus.ChannelUnavailable => TypedResults.Problem(Texts.Unavailable.In(http, result.Detail), statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => TypedResults.Problem(Texts.Refused.In(http, result.Outcome?.ChannelStatus, result.Detail), statusCode: StatusCodes.Status502BadGateway,
                extensions: new Dictionary<string, object?> { ["messageId"] = result.Outcome?.MessageId, ["channelStatus"] = result.Outcome?.ChannelStatus }),
        };
    }

    /// <summary>422 naming the channel rule that closed the conversation to this reply, and what may be done instead.</summary>
    private static ProblemHttpResult OutsideWindow(HttpContext http, ReplyResult result)
    {
        var english = http.Language() == Languages.English;
        var closed = result.WindowClosedAt ?? DateTimeOffset.MinValue;
        var (detail, title, alternative) = result.Window switch
        {
            ReplyWindows.Kf => (Texts.KfWindow.In(http, closed), english ? "Outside the 48-hour customer-service window" : "超出微信客服 48 小时回复期限", "wait-for-customer"),
            ReplyWindows.KfCount => (Texts.KfCount.In(http, result.SentInWindow ?? 0), english ? "Customer-service message limit reached" : "已达微信客服消息条数上限", "wait-for-customer"),
            ReplyWindows.Channel => (Texts.ChannelWindow.In(http, result.Detail), english ? "Outside the channel's reply window" : "超出渠道回复窗口", (string?)null),
            _ => (Texts.Window.In(http, closed), english ? "Outside the 48-hour reply window" : "超出 48 小时回复窗口", "template"),
        };
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title,
            extensions: new Dictionary<string, object?>
            {
                ["window"] = result.Window ?? ReplyWindows.WeChat,
                ["windowClosedAt"] = result.WindowClosedAt,
                ["alternative"] = alternative,
                ["messageId"] = result.Outcome?.MessageId,
            });
    }

    private static ReplyAnswer Of(ReplyOutcome o) => new(o.MessageId, o.Status, o.ChannelStatus, o.Version);

    private static IResult Answer(WorkResult result, HttpContext http, string? to) => result.Status switch
    {
        WorkStatus.Done => TypedResults.Ok(result.Conversation),
        WorkStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound),
        WorkStatus.Forbidden => TypedResults.Problem(Texts.NotYours.In(http), statusCode: StatusCodes.Status403Forbidden),
        WorkStatus.UnknownAgent => Refuse(http, "to", Texts.UnknownAgent.In(http, to)),
        _ => Conflict(http, result.Conversation),
    };

    private static ProblemHttpResult Conflict(HttpContext http, ConversationSummary? current) =>
        TypedResults.Problem(Texts.Conflict.In(http, current?.Version), statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["current"] = current });

    private static ValidationProblem Refuse(HttpContext http, string field, string message)
    {
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        LogRefused(logger, field);
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A conversation request was refused: {Field} is missing or invalid")]
    private static partial void LogRefused(ILogger logger, string field);
}
