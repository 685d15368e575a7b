using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Scrm.Campaigns.Sending;

/// <summary>Messages per second per channel (<c>Scrm:Campaigns:Rates</c>), shared by every campaign in this process.</summary>
internal sealed class ChannelThrottle(IOptions<CampaignsOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new(StringComparer.Ordinal);

    public async ValueTask WaitAsync(string channel, CancellationToken cancellationToken)
    {
        var limiter = _limiters.GetOrAdd(channel, c =>
        {
            var rate = options.Value.Rates.GetValueOrDefault(c, options.Value.DefaultRate);
            return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate,
                TokensPerPeriod = rate,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        });
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
