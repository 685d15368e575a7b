using System.Collections.Concurrent;

namespace Scrm.Connectors.Sdk.Outbound;

/// <summary>An API access token and when it stops working.</summary>
public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt);

/// <summary>
/// Caches channel access tokens per account and refreshes them before they expire. One refresh at
/// a time per account: concurrent senders that find the token stale wait for the one refresh
/// rather than each fetching (the channels rate-limit token requests, and WeChat's plain token API
/// invalidates the previous token on every fetch).
/// </summary>
public sealed class AccessTokenCache(TimeProvider time)
{
    /// <summary>Tokens are refreshed this long before they expire.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async ValueTask<string> GetAsync(string account, Func<CancellationToken, Task<AccessToken>> fetch, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(account, _ => new Entry());
        if (Fresh(entry.Token) is { } cached)
        {
            return cached;
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(entry.Token) is { } refreshed)
            {
                return refreshed;
            }

            var token = await fetch(cancellationToken);
            entry.Token = token;
            return token.Value;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>
    /// Drops <paramref name="token"/> after the channel refused it. Only that token: if another
    /// sender already refreshed, the newer token stays.
    /// </summary>
    public void Invalidate(string account, string token)
    {
        if (_entries.TryGetValue(account, out var entry) && entry.Token is { } current && current.Value == token)
        {
            Interlocked.CompareExchange(ref entry.TokenField, null, current);
        }
    }

    private string? Fresh(AccessToken? token) =>
        token is not null && token.ExpiresAt - RefreshMargin > time.GetUtcNow() ? token.Value : null;

    private sealed class Entry
    {
        public AccessToken? TokenField;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public AccessToken? Token
        {
            get => Volatile.Read(ref TokenField);
            set => Volatile.Write(ref TokenField, value);
        }
    }
}
