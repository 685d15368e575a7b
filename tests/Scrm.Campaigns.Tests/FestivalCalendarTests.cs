using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Campaigns.Calendar;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>Festival dates against the published calendar (China, Gregorian dates), and the API that serves them.</summary>
public sealed class FestivalCalendarTests(FestivalCalendarTests.App app) : IClassFixture<FestivalCalendarTests.App>
{
    public sealed class App() : ScrmApp;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The published dates (e.g. the Hong Kong Observatory's Gregorian–lunar tables and the State Council's holiday notices).
    public static TheoryData<int, string, string, string, string> Published => new()
    {
        { 2025, "2025-01-29", "2025-05-31", "2025-10-06", "2025-04-04" },
        { 2026, "2026-02-17", "2026-06-19", "2026-09-25", "2026-04-05" },
        { 2027, "2027-02-06", "2027-06-09", "2027-09-15", "2027-04-05" },
        { 2028, "2028-01-26", "2028-05-28", "2028-10-03", "2028-04-04" },
        { 2029, "2029-02-13", "2029-06-16", "2029-09-22", "2029-04-04" },
        { 2030, "2030-02-03", "2030-06-05", "2030-09-12", "2030-04-05" },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Lunar_festivals_and_Qingming_fall_on_the_published_dates(int year, string springFestival, string dragonBoat, string midAutumn, string qingming)
    {
        var days = FestivalCalendar.Of(year).ToDictionary(f => f.Key, f => f.Date.ToString("yyyy-MM-dd"));

        days["spring-festival"].ShouldBe(springFestival);
        days["dragon-boat"].ShouldBe(dragonBoat);
        days["mid-autumn"].ShouldBe(midAutumn);
        days["qingming"].ShouldBe(qingming);
    }

    [Fact]
    public void Lantern_and_Qixi_follow_their_lunar_days_and_fixed_days_stay_fixed()
    {
        var days = FestivalCalendar.Of(2025).ToDictionary(f => f.Key, f => f.Date);

        // 2025 repeats its 6th lunar month: Qixi (7/7) comes after the leap month.
        days["lantern"].ShouldBe(new DateOnly(2025, 2, 12));
        days["qixi"].ShouldBe(new DateOnly(2025, 8, 29));
        days["618"].ShouldBe(new DateOnly(2025, 6, 18));
        days["national-day"].ShouldBe(new DateOnly(2025, 10, 1));
        days["double-11"].ShouldBe(new DateOnly(2025, 11, 11));
        days["double-12"].ShouldBe(new DateOnly(2025, 12, 12));
        FestivalCalendar.Of(2025).Select(f => f.Date).ShouldBeInOrder();
    }

    [Fact]
    public async Task The_calendar_is_served_to_marketers_and_refuses_years_outside_the_lunar_table()
    {
        using var marketer = app.ClientFor("marketer");
        using var sales = app.ClientFor("sales");

        var year = await marketer.GetFromJsonAsync<JsonElement>("/api/v1/festivals?year=2026", Ct);
        year.GetProperty("year").GetInt32().ShouldBe(2026);
        var festivals = year.GetProperty("festivals").EnumerateArray().ToList();
        festivals.Count.ShouldBe(10);
        var spring = festivals.Single(f => f.GetProperty("key").GetString() == "spring-festival");
        spring.GetProperty("date").GetString().ShouldBe("2026-02-17");
        spring.GetProperty("name").GetString().ShouldBe("春节");

        var bad = await marketer.GetAsync("/api/v1/festivals?year=1800", Ct);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        bad.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await marketer.GetAsync("/api/v1/festivals?year=abc", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await sales.GetAsync("/api/v1/festivals?year=2026", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
