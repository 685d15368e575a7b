using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>
/// Every request a community endpoint refuses (any 4xx: a body that cannot be read, a wrong content
/// type, a body over the limit, or a refusal of the endpoint itself) is logged once with method,
/// path and status, never the body. Wraps the endpoint's whole request delegate, binding included.
/// A JSON body the endpoint could not read (a field of the wrong type, such as a version written as
/// a string) is answered with the field named; an endpoint that takes no body refuses one.
/// </summary>
internal static partial class Refusals
{
    private const string Category = "Scrm.Community.Api";

    private static class Texts
    {
        public static readonly UserText Unreadable = new(
            "{0} 无法读取：类型不对（例如数字写成了字符串）、字段未知或不是有效的 JSON",
            "{0} could not be read: a wrong type (such as a number written as a string), an unknown field, or not valid JSON");

        public static readonly UserText NoBody = new("此操作不接受请求体", "this action takes no request body");
    }

    public static TBuilder LogRefusals<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is not { } inner)
            {
                return;
            }

            endpoint.RequestDelegate = async http =>
            {
                // Metadata is read per request: the body's type is known only once the endpoint is built.
                var bodyType = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
                var rereadable = bodyType is not null && http.Request.HasJsonContentType();
                if (rereadable)
                {
                    http.Request.EnableBuffering();
                }

                await inner(http);
                if (rereadable && http.Response.StatusCode == StatusCodes.Status400BadRequest && !http.Response.HasStarted
                    && await UnreadableFieldAsync(http, bodyType!) is { } field)
                {
                    await TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [Texts.Unreadable.In(http, field)] }).ExecuteAsync(http);
                }

                var status = http.Response.StatusCode;
                if (status is >= 400 and < 500)
                {
                    var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
                    if (logger.IsEnabled(LogLevel.Information))
                    {
                        LogRefused(logger, http.Request.Method, http.Request.Path.Value ?? "", status);
                    }
                }
            };
        });
        return builder;
    }

    /// <summary>Refuses any request body (400 naming <c>body</c>) before the endpoint runs: an action whose only input is its path.</summary>
    public static TBuilder TakesNoBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            return request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0)
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [Texts.NoBody.In(context.HttpContext)] })
                : await next(context);
        });

    /// <summary>
    /// The field the request's JSON body failed on when read as the endpoint reads it (<c>body</c> for
    /// the document as a whole), or null when the body reads (the 400 came from elsewhere).
    /// </summary>
    private static async Task<string?> UnreadableFieldAsync(HttpContext http, Type bodyType)
    {
        if (!http.Request.Body.CanSeek)
        {
            return null;
        }

        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            http.Request.Body.Position = 0;
            await JsonSerializer.DeserializeAsync(http.Request.Body, bodyType, options, http.RequestAborted);
            return null;
        }
        catch (JsonException e)
        {
            return FieldOf(e.Path);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or InvalidOperationException or NotSupportedException)
        {
            return "body";
        }
    }

    /// <summary>The top-level field a JSON path names ("$.version" → "version", "$.values['k']" → "values"); "body" for the document itself or a name that is not a plain word.</summary>
    internal static string FieldOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return "body";
        }

        var name = path[2..];
        var end = name.IndexOfAny(['.', '[']);
        name = end < 0 ? name : name[..end];
        return name.Length is > 0 and <= 64 && name.All(char.IsAsciiLetterOrDigit) ? name : "body";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Path} with {Status}")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status);
}
