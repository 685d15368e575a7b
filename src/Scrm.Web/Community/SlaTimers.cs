using Scrm.Platform.Text;
using Scrm.Web.Sales;

namespace Scrm.Web.Community;

/// <summary>Where a conversation's first-response timer stands.</summary>
public enum SlaState
{
    /// <summary>Nothing is owed to the customer (replied, resolved, or spam).</summary>
    None,
    Normal,

    /// <summary>Due within <see cref="SlaTimers.WarnWithin"/>.</summary>
    Warning,

    /// <summary>Past due: the conversation is breaching.</summary>
    Overdue,
}

/// <summary>An SLA timer as shown: its words and its state.</summary>
internal sealed record SlaTimer(string Text, SlaState State);

/// <summary>First-response timers of the inbox. Pure: the clock is a parameter.</summary>
internal static class SlaTimers
{
    /// <summary>Within this much time of its due time a conversation is shown as a warning.</summary>
    public static readonly TimeSpan WarnWithin = TimeSpan.FromMinutes(15);

    private static readonly UserText Left = new("响应剩余 {0}", "reply within {0}");
    private static readonly UserText Over = new("已超时 {0}", "{0} overdue");
    private static readonly UserText Nothing = new("无需响应", "nothing owed");

    public static SlaTimer Describe(DateTimeOffset? due, DateTimeOffset now, string language)
    {
        if (due is not { } deadline)
        {
            return new SlaTimer(Nothing.In(language), SlaState.None);
        }

        var left = deadline - now;
        return left <= TimeSpan.Zero
            ? new SlaTimer(Over.In(language, Countdowns.Span(-left, language)), SlaState.Overdue)
            : new SlaTimer(Left.In(language, Countdowns.Span(left, language)), left <= WarnWithin ? SlaState.Warning : SlaState.Normal);
    }
}
