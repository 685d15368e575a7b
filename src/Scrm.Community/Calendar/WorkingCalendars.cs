using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Storage;
using Scrm.Platform.Calendar;

namespace Scrm.Community.Calendar;

/// <summary>
/// The working calendar service levels count in: the shipped Chinese calendar with the years an
/// admin edited (stored here) in their place. Published through <see cref="WorkingCalendarProvider"/>
/// so other modules ask "is this a working day" of the same calendar.
/// </summary>
internal sealed class WorkingCalendars(IDbContextFactory<CommunityDbContext> contexts, WorkingCalendarProvider provider, TimeProvider time)
{
    public WorkingCalendar Current => provider.Current;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var calendar = WorkingCalendar.China;
        foreach (var row in await db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).ToListAsync(cancellationToken))
        {
            calendar = calendar.WithYear(JsonSerializer.Deserialize<CalendarYear>(row.Json, JsonSerializerOptions.Web)!);
        }

        provider.Current = calendar;
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
            row.At = time.GetUtcNow().ToUnixTimeMilliseconds();
            await db.SaveChangesAsync(cancellationToken);
        }

        await LoadAsync(cancellationToken);
    }
}
