using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Scrm.Campaigns.Calendar;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Campaigns.Api;

/// <summary><c>/api/v1/festivals</c>: the festival calendar campaigns are planned around.</summary>
internal static class FestivalsApi
{
    private static readonly UserText Year = new("year 必须在 {0}–{1} 之间", "year must be {0}–{1}");

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/festivals").WithTags("Campaigns").RequireAuthorization(ScrmPolicies.Marketing)
            .MapGet("", Festivals)
            .WithSummary("The festivals and shopping days of a year (default: this year in China) with their Gregorian dates.");
    }

    private static Results<Ok<FestivalYear>, ValidationProblem> Festivals(int? year, TimeProvider time, HttpContext http)
    {
        var asked = year ?? time.GetUtcNow().AddHours(8).Year;
        if (asked is < FestivalCalendar.FirstYear or > FestivalCalendar.LastYear)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["year"] = [Year.In(http, FestivalCalendar.FirstYear, FestivalCalendar.LastYear)],
            });
        }

        return TypedResults.Ok(new FestivalYear(asked, FestivalCalendar.Of(asked)));
    }
}

internal sealed record FestivalYear(int Year, IReadOnlyList<Festival> Festivals);
