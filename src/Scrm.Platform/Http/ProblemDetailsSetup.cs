using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, detail) = exception switch
            {
                BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is larger than this endpoint accepts."
                    : "The request could not be read."),
                JsonException => (StatusCodes.Status400BadRequest, "The request body is not valid JSON."),
                OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "The client closed the request."),
                _ => (0, ""),
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
                ProblemDetails = { Status = status, Detail = detail },
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
