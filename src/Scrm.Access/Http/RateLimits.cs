using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scrm.Platform.Security;

namespace Scrm.Access.Http;

/// <summary>
/// One limiter per API key (a token bucket sized for integrations' bursts) and one per signed-in
/// person (a fixed window per minute). Anonymous endpoints keep their own limits (forms per IP).
/// </summary>
internal static class RateLimits
{
    public static RateLimitPartition<string> Partition(HttpContext http)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return RateLimitPartition.GetNoLimiter("anonymous");
        }

        var options = http.RequestServices.GetRequiredService<IOptions<AccessOptions>>().Value;
        if (user.FindFirst(ScrmClaims.KeyId)?.Value is { } key)
        {
            return RateLimitPartition.GetTokenBucketLimiter("key:" + key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.PerKeyPerSecond,
                TokensPerPeriod = options.PerKeyPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }

        return RateLimitPartition.GetFixedWindowLimiter("user:" + Caller.Of(user).Id, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PerUserPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }
}
