using Scrm.Campaigns.Calendar;
using Scrm.Campaigns.Sending;
using Scrm.Platform.Calendar;

namespace Scrm.Web.Marketing.Campaigns;

/// <summary>A campaign on the calendar: the day it is scheduled for, or started on, in China time.</summary>
internal sealed record CalendarCampaign(Guid Id, string Name, string Status, DateOnly Day);

/// <summary>One day cell of the month grid.</summary>
internal sealed record CalendarDay(DateOnly Date, bool InMonth, IReadOnlyList<Festival> Festivals, IReadOnlyList<CalendarCampaign> Campaigns);

/// <summary>A month as weeks starting on Monday, with the festival calendar's days and the campaigns that fall on them.</summary>
internal static class MonthCalendar
{
    public static IReadOnlyList<IReadOnlyList<CalendarDay>> Weeks(int year, int month, IEnumerable<CampaignView> campaigns)
    {
        var first = new DateOnly(year, month, 1);
        var start = first.AddDays(-(((int)first.DayOfWeek + 6) % 7));
        var last = first.AddMonths(1).AddDays(-1);
        var end = last.AddDays(6 - (((int)last.DayOfWeek + 6) % 7));
        var festivals = Enumerable.Range(start.Year, end.Year - start.Year + 1)
            .Where(y => y is >= FestivalCalendar.FirstYear and <= FestivalCalendar.LastYear)
            .SelectMany(FestivalCalendar.Of)
            .ToLookup(f => f.Date);
        var onDays = campaigns.Select(On).Where(c => c is not null).Select(c => c!).ToLookup(c => c.Day);
        var weeks = new List<IReadOnlyList<CalendarDay>>();
        for (var day = start; day <= end; day = day.AddDays(7))
        {
            weeks.Add([.. Enumerable.Range(0, 7).Select(i => day.AddDays(i)).Select(d => new CalendarDay(d, d.Month == month, [.. festivals[d]], [.. onDays[d]]))]);
        }

        return weeks;
    }

    /// <summary>The day a campaign shows on: its schedule, else when it started; a draft has none.</summary>
    public static CalendarCampaign? On(CampaignView c) =>
        (c.ScheduledAt ?? c.StartedAt) is { } at ? new CalendarCampaign(c.Id, c.Name, c.Status, DateOnly.FromDateTime(at.ToOffset(ChinaTime.Offset).DateTime)) : null;
}
