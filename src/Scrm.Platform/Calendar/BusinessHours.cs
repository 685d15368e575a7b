namespace Scrm.Platform.Calendar;

/// <summary>The hours of a working day during which the clock of a service level runs (09:00–18:00 unless configured).</summary>
public sealed record WorkingHours(TimeOnly Start, TimeOnly End)
{
    public static WorkingHours Office { get; } = new(new TimeOnly(9, 0), new TimeOnly(18, 0));

    public TimeSpan Length => End - Start;
}

/// <summary>
/// Business-hours arithmetic over a <see cref="WorkingCalendar"/>: time counts only within the
/// working hours of working days, in the calendar's local time. Pure functions.
/// </summary>
public static class BusinessHours
{
    /// <summary>The moment at which <paramref name="duration"/> of business time has passed since <paramref name="start"/>.</summary>
    public static DateTimeOffset Add(WorkingCalendar calendar, WorkingHours hours, DateTimeOffset start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(hours.End, hours.Start, nameof(hours));
        var local = start.ToOffset(calendar.UtcOffset);
        var day = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var left = duration;
        // Bounded: ten years of days is far past any service level.
        for (var guard = 0; guard < 3_660; guard++, day = day.AddDays(1), time = TimeOnly.MinValue)
        {
            if (!calendar.IsWorkingDay(day) || time >= hours.End)
            {
                continue;
            }

            var from = time < hours.Start ? hours.Start : time;
            var available = hours.End - from;
            if (left <= available)
            {
                return At(calendar, day, from).Add(left);
            }

            left -= available;
        }

        throw new InvalidOperationException("No working time within ten years: the calendar has no working days.");
    }

    /// <summary>Business time between two moments (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public static TimeSpan Between(WorkingCalendar calendar, WorkingHours hours, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        var a = from.ToOffset(calendar.UtcOffset);
        var b = to.ToOffset(calendar.UtcOffset);
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(a.DateTime); day <= DateOnly.FromDateTime(b.DateTime); day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day))
            {
                continue;
            }

            var open = At(calendar, day, hours.Start);
            var close = At(calendar, day, hours.End);
            var start = open > a ? open : a;
            var end = close < b ? close : b;
            if (end > start)
            {
                total += end - start;
            }
        }

        return total;
    }

    private static DateTimeOffset At(WorkingCalendar calendar, DateOnly day, TimeOnly time) =>
        new(day.ToDateTime(time), calendar.UtcOffset);
}
