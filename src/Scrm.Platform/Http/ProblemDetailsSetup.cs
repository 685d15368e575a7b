using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Platform.Text;

namespace Scrm.Platform.Http;

public static partial class ProblemDetailsSetup
{
    /// <summary>Problem details for every error, including the ones Kestrel and routing raise; JSON conventions of the API.</summary>
    public static IServiceCollection AddScrmProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
            ProblemTitles.Localize(c.ProblemDetails, c.HttpContext);
        });
        services.AddExceptionHandler<ClientErrorExceptionHandler>();
        // Enums travel as camel-case names ("prospect", "roundRobin"); requests may use any case.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        return services;
    }

    public static WebApplication UseScrmProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// Errors caused by the request (body too large, unreadable, cancelled) are the client's: they
    /// answer with their own 4xx, are logged without the payload, and never reach the 500 path.
    /// </summary>
    private sealed partial class ClientErrorExceptionHandler(IProblemDetailsService problems, ILogger<ClientErrorExceptionHandler> log) : IExceptionHandler
    {
        private static class Texts
        {
            public static readonly UserText TooLarge = new("请求体超过此接口接受的大小。", "The request body is larger than this endpoint accepts.");
            public static readonly UserText Unreadable = new("无法读取请求。", "The request could not be read.");
            public static readonly UserText Closed = new("客户端已关闭请求。", "The client closed the request.");
        }

        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            // A body that is not JSON, thrown by the reader itself or wrapped by request binding.
            var json = exception as JsonException ?? (exception as BadHttpRequestException)?.InnerException as JsonException;
            var (status, detail) = exception switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, Texts.TooLarge),
                _ when json is not null => ((exception as BadHttpRequestException)?.StatusCode ?? StatusCodes.Status400BadRequest, JsonTexts.NotJson.Filled(JsonTexts.Reason(json))),
                BadHttpRequestException bad => (bad.StatusCode, Texts.Unreadable),
                OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, Texts.Closed),
                _ => (0, null),
            };
            if (status == 0)
            {
                return false;
            }

            LogClientError(log, status, context.Request.Method, context.Request.Path, exception.GetType().Name);
            if (context.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            context.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = { Status = status, Detail = detail!.In(context) },
            });
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Answered {Status} to {Method} {Path}: {Reason}")]
        private static partial void LogClientError(ILogger logger, int status, string method, string path, string reason);
    }

    /// <summary>Sets the largest body an endpoint reads (Kestrel answers 413 past it).</summary>
    public static TBuilder WithMaxRequestBodySize<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(b => b.Metadata.Add(new MaxBodySize(bytes)));
        return builder;
    }

    private sealed record MaxBodySize(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
