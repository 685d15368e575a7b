using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Scrm.Community.Calendar;
using Scrm.Platform.Calendar;

namespace Scrm.Community.Api;

public sealed record CalendarResponse(string Zone, IReadOnlyList<CalendarYear> Years);

/// <summary>The working calendar service levels count in: read it, and replace a year from its notice.</summary>
internal static class CalendarApi
{
    public static Ok<CalendarResponse> Get(WorkingCalendars calendars) =>
        TypedResults.Ok(new CalendarResponse("+08:00", calendars.Current.Years));

    public static async Task<Results<Ok<CalendarYear>, ValidationProblem>> SetYearAsync(
        int year, CalendarYear? body, WorkingCalendars calendars, ClaimsPrincipal user, CancellationToken ct)
    {
        if (body is null || body.Year != year)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["year"] = ["the body's year must be the year in the path."] });
        }

        if (body.Problems() is { Count: > 0 } problems)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [.. problems] });
        }

        await calendars.SetYearAsync(body, user.Identity?.Name ?? "unknown", ct);
        return TypedResults.Ok(body);
    }
}
