using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scrm.Community.Api;

/// <summary>
/// Every request a community endpoint refuses (any 4xx: a body that cannot be read, a wrong content
/// type, a body over the limit, or a refusal of the endpoint itself) is logged once with method,
/// path and status, never the body. Wraps the endpoint's whole request delegate, binding included.
/// </summary>
internal static partial class Refusals
{
    private const string Category = "Scrm.Community.Api";

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
                await inner(http);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Path} with {Status}")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status);
}
