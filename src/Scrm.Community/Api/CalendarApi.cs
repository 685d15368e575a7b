using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Scrm.Community.Calendar;
using Scrm.Platform.Calendar;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

internal sealed record CalendarResponse(string Zone, IReadOnlyList<CalendarYear> Years);

/// <summary>The working calendar service levels count in: read it, and replace a year from its notice.</summary>
internal static class CalendarApi
{
    /// <summary>The calendar as stored now (an admin's screen reads past this replica's copy).</summary>
    public static async Task<Ok<CalendarResponse>> GetAsync(WorkingCalendars calendars, CancellationToken ct) =>
        TypedResults.Ok(new CalendarResponse(ChinaTime.OffsetText, (await calendars.FreshAsync(ct, TimeSpan.Zero)).Years));

    private static readonly UserText YearMismatch = new("请求体中的 year 必须与路径中的年份一致", "the body's year must be the year in the path.");

    public static async Task<Results<Ok<CalendarYear>, ValidationProblem>> SetYearAsync(
        int year, CalendarYear? body, WorkingCalendars calendars, HttpContext http, CancellationToken ct)
    {
        if (body is null || body.Year != year)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["year"] = [YearMismatch.In(http)] });
        }

        if (body.Problems() is { Count: > 0 } problems)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [.. problems.Select(p => p.In(http))] });
        }

        await calendars.SetYearAsync(body, http.User.Identity?.Name ?? "unknown", ct);
        return TypedResults.Ok(body);
    }
}
