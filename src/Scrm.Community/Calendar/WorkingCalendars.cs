using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Storage;
using Scrm.Platform.Calendar;

namespace Scrm.Community.Calendar;

/// <summary>
/// The working calendar service levels count in: the shipped Chinese calendar with the years an
/// admin edited (stored here) in their place. Published through <see cref="WorkingCalendarProvider"/>
/// so other modules ask "is this a working day" of the same calendar. Each replica keeps the calendar
/// in memory and, when read through <see cref="FreshAsync"/>, compares the edited years it holds with
/// the stored ones at most every <see cref="RecheckEvery"/> (a few short rows, one per edited year), so a
/// year edited on another replica is in use here within that time, as the service-level table is.
/// </summary>
internal sealed class WorkingCalendars(IDbContextFactory<CommunityDbContext> contexts, WorkingCalendarProvider provider, TimeProvider time)
{
    /// <summary>How long a replica may go on with its copy before it looks for years edited elsewhere.</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(5);

    private long _checkedAt = long.MinValue;
    private volatile IReadOnlyList<(int Year, long At, int Length)> _loaded = [];

    /// <summary>The calendar as this replica last read it (no database read).</summary>
    public WorkingCalendar Current => provider.Current;

    /// <summary>
    /// The calendar in use, looking for years edited on another replica first when this replica last looked
    /// more than <paramref name="maxAge"/> (default <see cref="RecheckEvery"/>) ago.
    /// </summary>
    public async ValueTask<WorkingCalendar> FreshAsync(CancellationToken cancellationToken, TimeSpan? maxAge = null)
    {
        var checkedAt = Interlocked.Read(ref _checkedAt);
        if (checkedAt != long.MinValue && time.GetElapsedTime(checkedAt) < (maxAge ?? RecheckEvery))
        {
            return provider.Current;
        }

        var started = time.GetTimestamp();
        List<(int Year, long At, int Length)> stored;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            stored = (await db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).Select(y => new { y.Year, y.At, y.Json.Length }).ToListAsync(cancellationToken))
                .ConvertAll(y => (y.Year, y.At, y.Length));
        }

        if (!stored.SequenceEqual(_loaded))
        {
            await LoadAsync(cancellationToken);
        }
        else
        {
            Interlocked.Exchange(ref _checkedAt, started);
        }

        return provider.Current;
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var calendar = WorkingCalendar.China;
        var rows = await db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            calendar = calendar.WithYear(JsonSerializer.Deserialize<CalendarYear>(row.Json, JsonSerializerOptions.Web)!);
        }

        provider.Current = calendar;
        _loaded = rows.ConvertAll(r => (r.Year, r.At, r.Json.Length));
        Interlocked.Exchange(ref _checkedAt, started);
    }

    public async Task SetYearAsync(CalendarYear year, string by, CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var row = await db.CalendarYears.SingleOrDefaultAsync(y => y.Year == year.Year, cancellationToken);
            if (row is null)
            {
                db.CalendarYears.Add(row = new CalendarYearRow { Year = year.Year });
            }

            row.Json = JsonSerializer.Serialize(year, JsonSerializerOptions.Web);
            row.By = by;
            // Later than the stored edit even when two replicas' clocks disagree, so the others see a change.
            row.At = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), row.At + 1);
            await db.SaveChangesAsync(cancellationToken);
        }

        await LoadAsync(cancellationToken);
    }
}
