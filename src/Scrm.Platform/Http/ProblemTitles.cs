using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Scrm.Platform.Text;

namespace Scrm.Platform.Http;

/// <summary>
/// Problem titles in the caller's language (Chinese unless <c>Accept-Language</c> prefers English).
/// A title an endpoint chose itself is kept; the framework's generic English ones are replaced.
/// </summary>
internal static class ProblemTitles
{
    private static readonly Dictionary<int, UserText> Titles = new()
    {
        [400] = new("请求无效", "The request is not valid"),
        [401] = new("需要有效的 API 密钥", "A valid API key is required"),
        [403] = new("无权执行此操作", "Not allowed"),
        [404] = new("未找到", "Not found"),
        [405] = new("不支持该请求方法", "Method not allowed"),
        [406] = new("无法提供所要求的格式", "Not acceptable"),
        [408] = new("请求超时", "Request timeout"),
        [409] = new("冲突", "Conflict"),
        [413] = new("请求体过大", "The request body is too large"),
        [414] = new("请求地址过长", "The request target is too long"),
        [415] = new("不支持的媒体类型", "Unsupported media type"),
        [422] = new("无法处理", "Cannot be done"),
        [429] = new("请求过于频繁", "Too many requests"),
        [431] = new("请求头过大", "Request headers too large"),
        [499] = new("客户端已关闭请求", "The client closed the request"),
        [500] = new("服务器内部错误", "Internal server error"),
        [503] = new("服务暂不可用", "Service unavailable"),
    };

    /// <summary>Generic titles the framework and the shared helpers put in; anything else was chosen on purpose.</summary>
    private static readonly HashSet<string> Generic = new(StringComparer.Ordinal)
    {
        "One or more validation errors occurred.",
        "An error occurred while processing your request.",
    };

    public static void Localize(ProblemDetails problem, HttpContext context)
    {
        var status = problem.Status ?? context.Response.StatusCode;
        if (!Titles.TryGetValue(status, out var title))
        {
            return;
        }

        if (problem.Title is null || Generic.Contains(problem.Title) || problem.Title == ReasonPhrases.GetReasonPhrase(status) || Titles.Values.Any(t => t.English == problem.Title))
        {
            problem.Title = title.In(context);
        }
    }
}
