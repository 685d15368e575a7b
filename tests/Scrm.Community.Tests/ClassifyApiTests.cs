using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Community.Conversations;
using Scrm.Community.Storage;
using Scrm.Testing;

namespace Scrm.Community.Tests;

/// <summary>POST /api/v1/community/classify over real HTTP, with the shipped model.</summary>
public sealed class ClassifyApiTests(ClassifyApiTests.App app) : IClassFixture<ClassifyApiTests.App>
{
    public sealed class App() : ScrmApp;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Answers_come_back_in_order_and_name_the_trained_model()
    {
        using var client = app.ClientFor("community");
        string[] texts = ["客服态度太差了，再也不买了", "很好用，已经回购三次了", "快递很快，包装也很严实"];

        var response = await client.PostAsJsonAsync("/api/v1/community/classify", new { texts }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().ToList();
        results.Count.ShouldBe(3);
        results[0].GetProperty("intent").GetString().ShouldBe("complaint");
        results[0].GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ShouldContain("service");
        results[1].GetProperty("sentiment").GetString().ShouldBe("positive");
        results[2].GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ShouldBe(["delivery", "packaging"], ignoreOrder: true);
        results.ShouldAllBe(r => r.GetProperty("model").GetString() == "zh-reviews-1");
    }

    [Fact]
    public async Task A_thousand_texts_are_classified_and_one_more_is_refused()
    {
        using var client = app.ClientFor("community");
        var texts = Enumerable.Range(0, 1_000).Select(i => $"第{i}条：东西不错").ToArray();

        var ok = await client.PostAsJsonAsync("/api/v1/community/classify", new { texts }, Ct);
        var tooMany = await client.PostAsJsonAsync("/api/v1/community/classify", new { texts = texts.Append("多一条") }, Ct);

        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ok.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").GetArrayLength().ShouldBe(1_000);
        tooMany.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        tooMany.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"texts\":[]}")]
    [InlineData("{\"texts\":[\"好\",null]}")]
    [InlineData("{\"texts\":\"好\"}")]
    [InlineData("{\"texts\":[1,2]}")]
    [InlineData("[")]
    [InlineData("null")]
    public async Task Malformed_requests_get_problem_details(string body)
    {
        using var client = app.ClientFor("community");

        var response = await client.PostAsync("/api/v1/community/classify", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_text_over_ten_thousand_characters_is_refused_in_chinese_unless_english_is_asked_for()
    {
        using var client = app.ClientFor("community");
        var body = new { texts = new[] { "好", new string('差', 10_001) } };

        var response = await client.PostAsJsonAsync("/api/v1/community/classify", body, Ct);
        using var english = new HttpRequestMessage(HttpMethod.Post, "/api/v1/community/classify") { Content = JsonContent.Create(body) };
        english.Headers.AcceptLanguage.ParseAdd("en");
        var inEnglish = await client.SendAsync(english, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("texts")[0].GetString().ShouldBe("texts[1] 超过 10000 个字符");
        (await inEnglish.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("texts")[0].GetString().ShouldBe("texts[1] is longer than 10000 characters.");
    }

    [Fact]
    public async Task Sales_keys_may_not_classify()
    {
        using var client = app.ClientFor("sales");

        var response = await client.PostAsJsonAsync("/api/v1/community/classify", new { texts = new[] { "好" } }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static readonly (string Method, string Path, string Role)[] Endpoints =
    [
        ("POST", "/api/v1/community/classify", "community"),
        ("POST", "/api/v1/community/corrections", "community"),
        ("PUT", "/api/v1/community/lexicon", "community"),
        ("PUT", "/api/v1/community/calendar/2027", "admin"),
        ("PUT", "/api/v1/community/service-targets", "admin"),
    ];

    public static TheoryData<string, int> HostileJson()
    {
        var data = new TheoryData<string, int>();
        foreach (var id in Hostile.Cases()
            .Where(c => c.GetProperty("channel").GetString()!.StartsWith("json webhook", StringComparison.Ordinal))
            .Select(c => c.GetProperty("id").GetString()!))
        {
            for (var e = 0; e < Endpoints.Length; e++)
            {
                data.Add(id, e);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileJson))]
    public async Task Hostile_json_bodies_get_a_4xx_with_problem_details(string id, int endpoint)
    {
        var (method, path, role) = Endpoints[endpoint];
        using var client = app.ClientFor(role);
        var lexiconBefore = await client.GetStringAsync("/api/v1/community/lexicon", Ct);
        var targetsBefore = await client.GetStringAsync("/api/v1/community/service-targets", Ct);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Hostile.Body(id)) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request, Ct);

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await client.GetAsync("/health/ready", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetStringAsync("/api/v1/community/lexicon", Ct)).ShouldBe(lexiconBefore);
        (await client.GetStringAsync("/api/v1/community/service-targets", Ct)).ShouldBe(targetsBefore);
        (await client.GetStringAsync("/api/v1/community/calendar", Ct)).ShouldNotContain("\"year\":2027,\"status\":\"official\"");
    }

    [Fact]
    public async Task Hostile_texts_are_classified_as_plain_data()
    {
        using var client = app.ClientFor("community");
        var texts = Hostile.Texts().ToArray();

        var response = await client.PostAsJsonAsync("/api/v1/community/classify", new { texts }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").GetArrayLength().ShouldBe(texts.Length);
    }

    [Fact]
    public async Task An_admin_replaces_the_service_level_table_and_new_waits_are_timed_by_it()
    {
        using var admin = app.ClientFor("admin");
        using var agent = app.ClientFor("community");
        var shipped = await agent.GetFromJsonAsync<JsonElement>("/api/v1/community/service-targets", Ct);
        var version = shipped.GetProperty("version").GetInt32();
        shipped.GetProperty("targets").EnumerateArray().ShouldContain(t =>
            t.GetProperty("intent").GetString() == "complaint" && t.GetProperty("tier").GetString() == "high_value" && t.GetProperty("firstResponseMinutes").GetInt32() == 30);
        object[] table =
        [
            new { firstResponseMinutes = 240, resolutionMinutes = 1_440, note = "默认" },
            new { channel = "wechat", firstResponseMinutes = 10, resolutionMinutes = 100, note = "公众号：10 分钟内回复" },
        ];

        (await agent.PutAsJsonAsync("/api/v1/community/service-targets", new { version, targets = table }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var noDefault = await admin.PutAsJsonAsync("/api/v1/community/service-targets", new { version, targets = table.Skip(1) }, Ct);
        var saved = await admin.PutAsJsonAsync("/api/v1/community/service-targets", new { version, targets = table }, Ct);
        var stale = await admin.PutAsJsonAsync("/api/v1/community/service-targets", new { version, targets = table }, Ct);

        noDefault.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noDefault.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("targets")[0].GetString()!.ShouldContain("默认");
        saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await saved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("version").GetInt32().ShouldBe(version + 1);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await stale.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("current").GetProperty("version").GetInt32().ShouldBe(version + 1);

        // A WeChat message at 10:00 on a working Tuesday is now due ten working minutes later, whatever its intent.
        var sent = DateTimeOffset.Parse("2026-03-03T10:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture);
        await app.WeChatMessageAtAsync("oTargets1", "targets-1", "这个多少钱一件？", sent, Ct);
        var row = await InboxApp.PollAsync(async () =>
        {
            var page = await agent.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat&size=200", Ct);
            return page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("preview").GetString() == "这个多少钱一件？").Select(i => (JsonElement?)i).FirstOrDefault();
        });
        row.GetProperty("dueAt").GetDateTimeOffset().ShouldBe(sent.AddMinutes(10));
    }

    [Fact]
    public async Task A_service_level_table_replaced_on_one_replica_is_in_use_on_another_within_the_recheck_time()
    {
        // A second replica on the same database: its own copy of the table, its own clock for how old that copy is.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var other = new ServiceTargets(app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>(), clock);
        await other.LoadAsync(Ct);
        var found = other.Current.Targets;
        using var admin = app.ClientFor("admin");
        var version = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/community/service-targets", Ct)).GetProperty("version").GetInt32();
        other.Current.Version.ShouldBe(version);

        // Replaced through this host: the other replica goes on with its copy until its recheck time has passed, then uses the new table.
        object[] table =
        [
            new { firstResponseMinutes = 240, resolutionMinutes = 1_440, note = "默认" },
            new { channel = "weibo", firstResponseMinutes = 20, resolutionMinutes = 200, note = "微博：20 分钟内回复" },
        ];
        (await admin.PutAsJsonAsync("/api/v1/community/service-targets", new { version, targets = table }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await other.FreshAsync(Ct)).Version.ShouldBe(version);
        clock.Advance(ServiceTargets.RecheckEvery);
        var seen = await other.FreshAsync(Ct);
        (seen.Version, seen.For("question", null, "weibo").FirstResponseMinutes).ShouldBe((version + 1, 20));

        // Replaced on the other replica: this host's API answers the new version, and its next wait is timed by it.
        (await other.SetAsync(version + 1, [new ServiceTarget(null, null, null, 240, 1_440, "默认"), new ServiceTarget(null, null, "wechat", 15, 150, "公众号：15 分钟")], "other-replica", Ct))
            .ShouldBeTrue();
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/community/service-targets", Ct)).GetProperty("version").GetInt32().ShouldBe(version + 2);
        var sent = DateTimeOffset.Parse("2026-03-03T10:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture);
        await app.WeChatMessageAtAsync("oTargets2", "targets-2", "请问有发票吗", sent, Ct);
        using var agent = app.ClientFor("community");
        var row = await InboxApp.PollAsync(async () =>
        {
            var page = await agent.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat&size=200", Ct);
            return page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("preview").GetString() == "请问有发票吗").Select(i => (JsonElement?)i).FirstOrDefault();
        });
        row.GetProperty("dueAt").GetDateTimeOffset().ShouldBe(sent.AddMinutes(15));

        // The class shares one host: the table goes back to what this test found.
        (await other.SetAsync(version + 2, found, "test", Ct)).ShouldBeTrue();
    }
    [Fact]
    public async Task A_calendar_year_edited_on_one_replica_is_in_use_on_another_within_the_recheck_time()
    {
        // A second replica on the same database: its own copy of the calendar, its own clock for how old that copy is.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var other = new Scrm.Community.Calendar.WorkingCalendars(
            app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>(), new Scrm.Platform.Calendar.WorkingCalendarProvider(), clock);
        await other.LoadAsync(Ct);
        var monday = new DateOnly(2031, 3, 3);
        other.Current.IsWorkingDay(monday).ShouldBeTrue();
        using var admin = app.ClientFor("admin");
        object Year(string from, string to, string workday) => new
        {
            year = 2031,
            status = "official",
            source = new { title = "国务院办公厅关于2031年部分节假日安排的通知", document = "示例", published = "2030-11-01", url = (string?)null },
            holidays = new[] { new { name = "测试假期", from, to } },
            workdays = new[] { workday },
        };

        // Edited through this host: the other replica goes on with its copy until its recheck time has passed, then counts the holiday.
        (await admin.PutAsJsonAsync("/api/v1/community/calendar/2031", Year("2031-03-03", "2031-03-04", "2031-03-08"), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await other.FreshAsync(Ct)).IsWorkingDay(monday).ShouldBeTrue();
        clock.Advance(Scrm.Community.Calendar.WorkingCalendars.RecheckEvery);
        var seen = await other.FreshAsync(Ct);
        (seen.IsWorkingDay(monday), seen.HolidayOn(monday), seen.IsWorkingDay(new DateOnly(2031, 3, 8))).ShouldBe((false, "测试假期", true));

        // Edited on the other replica: this host's API answers the new year at once, and its service levels count in it.
        await other.SetYearAsync(new Scrm.Platform.Calendar.CalendarYear(2031, "official", new("通知", null, null, null),
            [new("另一个假期", new DateOnly(2031, 3, 10), new DateOnly(2031, 3, 10))], []), "other-replica", Ct);
        using var agent = app.ClientFor("community");
        var calendar = await agent.GetFromJsonAsync<JsonElement>("/api/v1/community/calendar", Ct);
        calendar.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2031)
            .GetProperty("holidays")[0].GetProperty("name").GetString().ShouldBe("另一个假期");
        var hostCalendars = app.Services.GetRequiredService<Scrm.Community.Calendar.WorkingCalendars>();
        hostCalendars.Current.IsWorkingDay(new DateOnly(2031, 3, 10)).ShouldBeFalse();
        hostCalendars.Current.IsWorkingDay(monday).ShouldBeTrue();

        // The class shares one host: the year goes back to unedited.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.CalendarYears.Where(y => y.Year == 2031).ExecuteDeleteAsync(Ct);
        }

        await hostCalendars.LoadAsync(Ct);
    }
}
