using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;

namespace Scrm.Platform.Calendar;

/// <summary>
/// Which days are working days in mainland China: Monday to Friday, except the public holidays,
/// plus the adjusted working days (调休) on which a weekend day is worked. Each year comes from the
/// State Council's notice (国务院办公厅关于某年部分节假日安排的通知) and names it as its source.
/// Immutable: an edit makes a new calendar (<see cref="WithYear"/>).
/// </summary>
public sealed record WorkingCalendar
{
    private readonly FrozenDictionary<DateOnly, string> _holidays;
    private readonly FrozenSet<DateOnly> _workdays;

    public WorkingCalendar(IReadOnlyList<CalendarYear> years, TimeSpan utcOffset)
    {
        Years = [.. years.OrderBy(y => y.Year)];
        UtcOffset = utcOffset;
        _holidays = Years.SelectMany(y => y.Holidays).SelectMany(h => h.Days().Select(d => (d, h.Name)))
            .GroupBy(x => x.d).ToFrozenDictionary(g => g.Key, g => g.First().Name);
        _workdays = Years.SelectMany(y => y.Workdays).ToFrozenSet();
    }

    /// <summary>The years this calendar knows, each with its source.</summary>
    public IReadOnlyList<CalendarYear> Years { get; }

    /// <summary>The calendar's local time (China Standard Time, no daylight saving).</summary>
    public TimeSpan UtcOffset { get; }

    /// <summary>The shipped calendar: the notices for 2025 and 2026, and 2027's statutory holidays until its notice.</summary>
    public static WorkingCalendar China { get; } = LoadShipped();

    public bool IsWorkingDay(DateOnly day) =>
        _workdays.Contains(day) || (!_holidays.ContainsKey(day) && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

    /// <summary>The holiday's name when <paramref name="day"/> is a public holiday (including its bridging days).</summary>
    public string? HolidayOn(DateOnly day) => _holidays.GetValueOrDefault(day);

    public bool IsAdjustedWorkday(DateOnly day) => _workdays.Contains(day);

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(UtcOffset).DateTime);

    /// <summary>This calendar with one year replaced (or added).</summary>
    public WorkingCalendar WithYear(CalendarYear year) => new([.. Years.Where(y => y.Year != year.Year), year], UtcOffset);

    public static WorkingCalendar Parse(string json)
    {
        var file = JsonSerializer.Deserialize<CalendarFile>(json, JsonSerializerOptions.Web) ?? throw new JsonException("The calendar is empty.");
        return new WorkingCalendar(file.Years, TimeSpan.Parse(file.Zone.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static WorkingCalendar LoadShipped()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Scrm.Platform.Calendar.ChinaPublicHolidays.json")
            ?? throw new InvalidOperationException("The shipped holiday calendar is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private sealed record CalendarFile(string Zone, IReadOnlyList<CalendarYear> Years);
}

/// <summary>One year's public holidays and adjusted working days, and where they come from.</summary>
/// <param name="Status"><c>official</c> (from the year's notice) or <c>provisional</c> (statutory days only, before the notice).</param>
public sealed record CalendarYear(int Year, string Status, CalendarSource Source, IReadOnlyList<Holiday> Holidays, IReadOnlyList<DateOnly> Workdays)
{
    /// <summary>Problems that make this year unusable, as sentences in both languages; empty when it is fine.</summary>
    public IReadOnlyList<Scrm.Platform.Text.UserText> Problems()
    {
        var problems = new List<Scrm.Platform.Text.UserText>();
        if (Year is < 2000 or > 2100)
        {
            problems.Add(new("year 必须在 2000 到 2100 之间", "year must be between 2000 and 2100"));
        }

        if (Status is not ("official" or "provisional"))
        {
            problems.Add(new("status 必须是 official（正式）或 provisional（暂定）", "status must be official or provisional"));
        }

        if (string.IsNullOrWhiteSpace(Source?.Title) || Source.Title.Length > 200 || Source.Document?.Length > 500 || Source.Url?.Length > 500)
        {
            problems.Add(new("source 需要标题（最多 200 个字符）；document 和 url 最多 500 个字符", "source needs a title (up to 200 characters); document and url up to 500"));
        }

        if (Holidays is null || Workdays is null || Holidays.Count > 60 || Workdays.Count > 60)
        {
            problems.Add(new("holidays 和 workdays 各最多 60 项", "holidays and workdays are lists of at most 60 entries"));
            return problems;
        }

        foreach (var holiday in Holidays)
        {
            if (string.IsNullOrWhiteSpace(holiday.Name) || holiday.Name.Length > 50 || holiday.From > holiday.To
                || holiday.From.Year != Year || holiday.To.DayNumber - holiday.From.DayNumber > 15)
            {
                problems.Add(new($"假期“{Clip(holiday.Name)}”需要名称（最多 50 个字符），from ≤ to 且在 {Year} 年内，最长 16 天",
                    $"holiday '{Clip(holiday.Name)}' needs a name (up to 50 characters) and from ≤ to within {Year}, at most 16 days"));
            }
        }

        if (Workdays.Any(d => d.Year != Year && d.Year != Year + 1 && d.Year != Year - 1))
        {
            problems.Add(new("调休上班日必须在该年或相邻年份内", "adjusted working days must fall in or next to the year"));
        }

        if (Workdays.Any(d => Holidays.Any(h => h.Contains(d))))
        {
            problems.Add(new("同一天不能既是假期又是调休上班日", "a day cannot be both a holiday and an adjusted working day"));
        }

        return problems;
    }

    private static string Clip(string? s) => s is { Length: > 30 } ? s[..30] + "…" : s ?? "";
}

/// <summary>The notice a year's calendar was taken from.</summary>
public sealed record CalendarSource(string Title, string? Document, string? Published, string? Url);

/// <summary>A public holiday, with the weekend and bridging days the notice joins to it.</summary>
public sealed record Holiday(string Name, DateOnly From, DateOnly To)
{
    public bool Contains(DateOnly day) => day >= From && day <= To;

    public IEnumerable<DateOnly> Days()
    {
        for (var d = From; d <= To; d = d.AddDays(1))
        {
            yield return d;
        }
    }
}
