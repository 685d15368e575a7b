using Scrm.Platform.Calendar;

namespace Scrm.Campaigns.Sending;

/// <summary>Hours in China time (UTC+8, no daylight saving) when no marketing goes out; a window may span midnight.</summary>
internal readonly record struct QuietHours(TimeOnly Start, TimeOnly End)
{
    public bool IsNone => Start == End;

    public bool Contains(DateTimeOffset instant)
    {
        if (IsNone)
        {
            return false;
        }

        var local = TimeOnly.FromTimeSpan(instant.ToOffset(ChinaTime.Offset).TimeOfDay);
        return Start < End ? local >= Start && local < End : local >= Start || local < End;
    }

    /// <summary>When the quiet hours around <paramref name="instant"/> end (the instant itself when it is not in them).</summary>
    public DateTimeOffset EndAfter(DateTimeOffset instant)
    {
        if (!Contains(instant))
        {
            return instant;
        }

        var local = instant.ToOffset(ChinaTime.Offset);
        var end = new DateTimeOffset(local.Date + End.ToTimeSpan(), ChinaTime.Offset);
        return end > local ? end : end.AddDays(1);
    }
}

/// <summary>The cross-channel frequency cap: at most <see cref="Messages"/> marketing messages per customer in any <see cref="Window"/>.</summary>
internal readonly record struct FrequencyCap(int Messages, TimeSpan Window)
{
    /// <summary>Whether one more message fits, given the messages already claimed for the customer since <see cref="Since"/>.</summary>
    public bool Allows(int claimedInWindow) => claimedInWindow < Messages;

    /// <summary>The start of the window that ends at <paramref name="now"/> (Unix ms): claims after it count.</summary>
    public long Since(long now) => now - (long)Window.TotalMilliseconds;
}
