using System.Globalization;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>Refuses callbacks whose timestamp is too far from now, in either direction.</summary>
public static class ReplayWindow
{
    /// <summary>The platform retries within seconds; five minutes allows for clock skew and nothing more.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(300);

    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>The timestamp (Unix seconds) as an instant, if it is within <paramref name="window"/> of <paramref name="now"/>.</summary>
    public static DateTimeOffset Check(string? timestamp, DateTimeOffset now, TimeSpan window)
    {
        if (string.IsNullOrEmpty(timestamp) || timestamp.Length > 12
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > MaxUnixSeconds)
        {
            throw new CallbackRejectedException(CallbackFailure.ReplayWindow, "The timestamp is missing or is not Unix seconds.");
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((at - now).Duration() > window)
        {
            throw new CallbackRejectedException(CallbackFailure.ReplayWindow,
                $"The timestamp is more than {(int)window.TotalSeconds} seconds away from the current time.");
        }

        return at;
    }
}
