using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Web.Leads;
using Scrm.Connectors.Web.Mentions;

namespace Scrm.Connectors.Web;

/// <summary>Generic inbound channels: JSON mentions and leads from other systems, and website forms.</summary>
public static class WebConnectorModule
{
    public static IServiceCollection AddScrmWebConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebFormsOptions>()
            .Bind(configuration.GetSection(WebFormsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = FormsApi.TooManyAsync;
            limiter.AddPolicy(FormsApi.RateLimitPolicy, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<WebFormsOptions>>().Value;
                // The client's own address: behind a configured proxy the forwarded one (the host
                // believes X-Forwarded-For from Scrm:Http:KnownProxies only), never the proxy's.
                return RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.PerIpPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    });
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapWebConnector(this IEndpointRouteBuilder app)
    {
        app.MapMentions();
        app.MapIngestLeads();
        app.MapForms();
        return app;
    }
}
