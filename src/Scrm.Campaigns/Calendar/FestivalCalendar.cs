using System.Globalization;

namespace Scrm.Campaigns.Calendar;

/// <summary>A festival or shopping day on its Gregorian date in China.</summary>
/// <param name="Key">Stable name for schedules and the API (<c>spring-festival</c>, <c>double-11</c>).</param>
/// <param name="Kind"><c>lunar</c> (Chinese calendar), <c>solar-term</c>, <c>public</c> (fixed public holiday) or <c>shopping</c>.</param>
internal sealed record Festival(string Key, string Name, string EnglishName, DateOnly Date, string Kind);

/// <summary>
/// The festivals marketers plan campaigns around, for one Gregorian year. Lunar festivals come
/// from <see cref="ChineseLunisolarCalendar"/> (which counts a leap month as an extra month after
/// the one it repeats); Qingming is the day (China time) the sun reaches 15° ecliptic longitude.
/// </summary>
internal static class FestivalCalendar
{
    public const int FirstYear = 1901;
    public const int LastYear = 2100;

    private static readonly ChineseLunisolarCalendar Lunar = new();

    private static readonly (string Key, string Name, string English, int Month, int Day)[] LunarFestivals =
    [
        ("spring-festival", "春节", "Spring Festival", 1, 1),
        ("lantern", "元宵节", "Lantern Festival", 1, 15),
        ("dragon-boat", "端午节", "Dragon Boat Festival", 5, 5),
        ("qixi", "七夕", "Qixi Festival", 7, 7),
        ("mid-autumn", "中秋节", "Mid-Autumn Festival", 8, 15),
    ];

    private static readonly (string Key, string Name, string English, string Kind, int Month, int Day)[] FixedDays =
    [
        ("618", "618 年中大促", "618 shopping festival", "shopping", 6, 18),
        ("national-day", "国庆节", "National Day", "public", 10, 1),
        ("double-11", "双十一", "Double 11", "shopping", 11, 11),
        ("double-12", "双十二", "Double 12", "shopping", 12, 12),
    ];

    /// <summary>The festivals of <paramref name="year"/> in date order.</summary>
    public static IReadOnlyList<Festival> Of(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, FirstYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, LastYear);
        var days = new List<Festival>(11);
        foreach (var (key, name, english, month, day) in LunarFestivals)
        {
            days.Add(new Festival(key, name, english, LunarDate(year, month, day), "lunar"));
        }

        days.Add(new Festival("qingming", "清明节", "Qingming Festival", Qingming(year), "solar-term"));
        foreach (var (key, name, english, kind, month, day) in FixedDays)
        {
            days.Add(new Festival(key, name, english, new DateOnly(year, month, day), kind));
        }

        return [.. days.OrderBy(f => f.Date)];
    }

    /// <summary>The Gregorian date of day <paramref name="day"/> of (non-leap) lunar month <paramref name="month"/> in the lunar year that starts in <paramref name="year"/>.</summary>
    public static DateOnly LunarDate(int year, int month, int day)
    {
        // GetLeapMonth answers the position of the leap month (e.g. 7 when the 6th month repeats): months from there on move up one.
        var leap = Lunar.GetLeapMonth(year);
        var position = leap > 0 && month >= leap ? month + 1 : month;
        return DateOnly.FromDateTime(Lunar.ToDateTime(year, position, day, 0, 0, 0, 0));
    }

    /// <summary>Qingming: the China-time date on which the sun's apparent longitude reaches 15°.</summary>
    public static DateOnly Qingming(int year) => DateOnly.FromDateTime(SolarTerm(15, new DateTime(year, 3, 25, 0, 0, 0, DateTimeKind.Utc)).AddHours(8));

    /// <summary>The instant (UTC, to about a minute) after <paramref name="from"/> at which the sun reaches <paramref name="longitude"/> degrees, within 30 days.</summary>
    internal static DateTime SolarTerm(double longitude, DateTime from)
    {
        double lo = 0, hi = 30;
        for (var i = 0; i < 40; i++)
        {
            var mid = (lo + hi) / 2;
            var gap = Normalize(SunLongitude(from.AddDays(mid)) - longitude);
            if (gap < 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return from.AddDays(hi);
    }

    /// <summary>The sun's apparent ecliptic longitude in degrees (Meeus, Astronomical Algorithms ch. 25, low accuracy: about 0.01°).</summary>
    internal static double SunLongitude(DateTime utc)
    {
        var t = (utc - new DateTime(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc)).TotalDays / 36525.0;
        var l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
        var m = Radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t);
        var c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * Math.Sin(m) + (0.019993 - 0.000101 * t) * Math.Sin(2 * m) + 0.000289 * Math.Sin(3 * m);
        var omega = Radians(125.04 - 1934.136 * t);
        return Normalize(l0 + c - 0.00569 - 0.00478 * Math.Sin(omega));
    }

    /// <summary>An angle in (−180, 180].</summary>
    private static double Normalize(double degrees)
    {
        var d = degrees % 360;
        return d > 180 ? d - 360 : d <= -180 ? d + 360 : d;
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
