using System.Globalization;
using Scrm.Platform.Text;

namespace Scrm.Web.Sales;

/// <summary>How urgent a deadline is: colour is kept for these only.</summary>
public enum Urgency
{
    None,
    Later,
    Soon,
    Overdue,
}

/// <summary>A deadline shown as time left (or time overdue) and its urgency.</summary>
internal sealed record Countdown(string Text, Urgency Urgency);

/// <summary>Deadlines as countdowns: follow-ups due, SLA timers. Pure: the clock is a parameter.</summary>
internal static class Countdowns
{
    /// <summary>Within this much time a deadline is shown as soon due.</summary>
    public static readonly TimeSpan SoonWithin = TimeSpan.FromHours(1);

    private static readonly UserText Left = new("剩余 {0}", "{0} left");
    private static readonly UserText Over = new("已超时 {0}", "{0} overdue");
    private static readonly UserText NoDeadline = new("无待办跟进", "no follow-up due");

    public static Countdown Describe(DateTimeOffset? due, DateTimeOffset now, string language)
    {
        if (due is not { } deadline)
        {
            return new Countdown(NoDeadline.In(language), Urgency.None);
        }

        var left = deadline - now;
        if (left <= TimeSpan.Zero)
        {
            return new Countdown(Over.In(language, Span(-left, language)), Urgency.Overdue);
        }

        return new Countdown(Left.In(language, Span(left, language)), left <= SoonWithin ? Urgency.Soon : Urgency.Later);
    }

    /// <summary><c>2天3小时</c>, <c>45分12秒</c>: the two largest units, seconds only under an hour.</summary>
    public static string Span(TimeSpan span, string language)
    {
        var english = language == Languages.English;
        string Part(long value, string zh, string en) => english ? $"{value.ToString(CultureInfo.InvariantCulture)}{en}" : $"{value.ToString(CultureInfo.InvariantCulture)}{zh}";
        var join = english ? " " : "";
        if (span.TotalDays >= 1)
        {
            return Part((long)span.TotalDays, "天", "d") + join + Part(span.Hours, "小时", "h");
        }

        if (span.TotalHours >= 1)
        {
            return Part(span.Hours, "小时", "h") + join + Part(span.Minutes, "分", "m");
        }

        return Part(span.Minutes, "分", "m") + join + Part(span.Seconds, "秒", "s");
    }
}
