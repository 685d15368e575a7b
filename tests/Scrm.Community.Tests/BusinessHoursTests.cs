using System.Globalization;
using Scrm.Platform.Calendar;

namespace Scrm.Community.Tests;

/// <summary>Business-hours arithmetic on the shipped Chinese working calendar (09:00–18:00, UTC+8).</summary>
public sealed class BusinessHoursTests
{
    private static readonly WorkingCalendar China = WorkingCalendar.China;
    private static readonly WorkingHours Office = WorkingHours.Office;

    private static DateTimeOffset At(string local) => DateTimeOffset.Parse(local + "+08:00", CultureInfo.InvariantCulture);

    [Theory]
    // An ordinary weekend.
    [InlineData("2026-03-06T17:00", "02:00", "2026-03-09T10:00")]
    [InlineData("2026-03-07T11:00", "01:00", "2026-03-09T10:00")]
    // Spring Festival 2026: Saturday 14 February is worked (调休), 15–23 February are off.
    [InlineData("2026-02-13T17:00", "02:00", "2026-02-14T10:00")]
    [InlineData("2026-02-14T17:00", "02:00", "2026-02-24T10:00")]
    [InlineData("2026-02-16T12:00", "00:30", "2026-02-24T09:30")]
    // The adjusted working Saturday after the festival, 28 February 2026.
    [InlineData("2026-02-27T17:30", "01:00", "2026-02-28T09:30")]
    // National Day 2026: Sunday 20 September is worked.
    [InlineData("2026-09-19T10:00", "01:00", "2026-09-20T10:00")]
    // Before opening, after closing, a full day, more than a day.
    [InlineData("2026-03-09T07:00", "01:00", "2026-03-09T10:00")]
    [InlineData("2026-03-09T18:30", "01:00", "2026-03-10T10:00")]
    [InlineData("2026-03-09T09:00", "09:00", "2026-03-09T18:00")]
    [InlineData("2026-03-09T09:00", "1.00:00", "2026-03-11T15:00")]
    // Zero on a holiday starts at the next opening.
    [InlineData("2026-10-03T12:00", "00:00", "2026-10-08T09:00")]
    // 2025: Sunday 26 January was worked before Spring Festival.
    [InlineData("2025-01-24T17:00", "02:00", "2025-01-26T10:00")]
    public void Deadlines_count_only_working_hours(string start, string duration, string expected)
    {
        var due = BusinessHours.Add(China, Office, At(start), TimeSpan.Parse(duration, CultureInfo.InvariantCulture));

        due.ShouldBe(At(expected));
        due.Offset.ShouldBe(TimeSpan.FromHours(8));
    }

    [Fact]
    public void A_start_given_in_utc_is_read_in_china_time() =>
        BusinessHours.Add(China, Office, new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(2)).ShouldBe(At("2026-03-09T10:00"));

    [Theory]
    [InlineData("2026-03-06T17:00", "2026-03-09T10:00", "02:00")]
    [InlineData("2026-02-13T09:00", "2026-02-24T18:00", "1.03:00")]
    [InlineData("2026-02-15T00:00", "2026-02-23T23:59", "00:00")]
    [InlineData("2026-03-09T12:00", "2026-03-09T11:00", "00:00")]
    public void Business_time_between_two_moments(string from, string to, string expected) =>
        BusinessHours.Between(China, Office, At(from), At(to)).ShouldBe(TimeSpan.Parse(expected, CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("2026-02-14", true)]
    [InlineData("2026-02-16", false)]
    [InlineData("2026-01-04", true)]
    [InlineData("2026-01-02", false)]
    [InlineData("2026-03-07", false)]
    [InlineData("2026-03-09", true)]
    [InlineData("2027-02-08", false)]
    public void Working_days_follow_the_notice(string day, bool working) =>
        China.IsWorkingDay(DateOnly.Parse(day, CultureInfo.InvariantCulture)).ShouldBe(working);

    [Fact]
    public void Adding_then_measuring_gives_the_duration_back()
    {
        var starts = new[] { "2026-02-12T16:20", "2026-09-30T11:11", "2026-05-08T08:00", "2025-10-10T17:59" };
        foreach (var start in starts)
        {
            foreach (var hours in new[] { 0.5, 4, 9, 27, 100 })
            {
                var duration = TimeSpan.FromHours(hours);
                BusinessHours.Between(China, Office, At(start), BusinessHours.Add(China, Office, At(start), duration)).ShouldBe(duration);
            }
        }
    }

    [Fact]
    public void Every_shipped_year_names_its_source_and_is_valid()
    {
        China.Years.Select(y => y.Year).ShouldBe([2025, 2026, 2027]);
        China.Years.ShouldAllBe(y => y.Problems().Count == 0 && (y.Source.Title.Contains("国务院") || y.Source.Title.Contains("放假办法")));
        China.HolidayOn(new DateOnly(2026, 2, 17)).ShouldBe("春节");
    }

    [Fact]
    public void An_edited_year_replaces_the_shipped_one()
    {
        var edited = China.WithYear(new CalendarYear(2027, "official", new CalendarSource("国务院办公厅关于2027年部分节假日安排的通知", null, null, null),
            [new Holiday("春节", new DateOnly(2027, 2, 5), new DateOnly(2027, 2, 12))], [new DateOnly(2027, 2, 13)]));

        edited.IsWorkingDay(new DateOnly(2027, 2, 10)).ShouldBeFalse();
        edited.IsWorkingDay(new DateOnly(2027, 2, 13)).ShouldBeTrue();
        China.IsWorkingDay(new DateOnly(2027, 2, 10)).ShouldBeTrue();
    }
}
