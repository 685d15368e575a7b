namespace Scrm.Platform.Calendar;

/// <summary>China Standard Time (UTC+08:00, no daylight saving): the local time of reports, rules, quiet hours and dates without an offset.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The offset as written in ISO 8601 times and in the calendar file.</summary>
    public const string OffsetText = "+08:00";
}
