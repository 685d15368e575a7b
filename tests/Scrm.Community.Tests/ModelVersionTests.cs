using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Community.Tests;

/// <summary>Corrections teach a retrained version; a rollback brings the previous answers back.</summary>
public sealed class ModelVersionTests : IAsyncLifetime
{
    private readonly string _trainingData = Path.Combine(Path.GetTempPath(), $"scrm-training-{Guid.NewGuid():N}.jsonl");
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // A slice of the labelled reviews keeps the retrain quick; the corrections are what the test is about.
        var slice = File.ReadLines(Repo.Fixture("chinese", "feedback", "online_shopping_train.jsonl")).Take(600)
            .Concat(File.ReadLines(Repo.Fixture("chinese", "feedback", "ecommerce_aspects_train.jsonl")).Take(600));
        await File.WriteAllLinesAsync(_trainingData, slice, Ct);
        _app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Scrm:Community:Classifier:TrainingData:0"] = _trainingData,
            ["Scrm:Community:Classifier:CheckInterval"] = "00:00:00.100",
            ["Scrm:Community:Classifier:RetrainAfterCorrections"] = "1000",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        File.Delete(_trainingData);
    }

    private static readonly string[] Texts = [.. Enumerable.Range(1, 50).Select(i => $"第{i}批货能不能补开发票，急用")];

    private async Task<List<JsonElement>> ClassifyAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/v1/community/classify", new { texts = Texts }, Ct);
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray()];
    }

    private static bool HasTopic(JsonElement result, string topic) => result.GetProperty("topics").EnumerateArray().Any(t => t.GetString() == topic);

    [Fact]
    public async Task Fifty_corrections_change_the_retrained_answers_and_a_rollback_restores_them()
    {
        using var manager = _app.ClientFor("community");
        using var admin = _app.ClientFor("admin");
        var before = await ClassifyAsync(manager);
        before.ShouldAllBe(r => r.GetProperty("model").GetString() == "zh-reviews-1");
        before.Count(r => HasTopic(r, "authenticity")).ShouldBe(0, "the shipped model does not read invoices as authenticity; the corrections must teach it");

        foreach (var text in Texts)
        {
            (await manager.PostAsJsonAsync("/api/v1/community/corrections", new { text, topics = new[] { "authenticity" } }, Ct))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        (await admin.PostAsync("/api/v1/community/models/retrain", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await PollAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/community/models", Ct))
            .EnumerateArray().Any(v => v.GetProperty("version").GetString() == "zh-reviews-1.r1" && v.GetProperty("active").GetBoolean()));
        // The stored switch comes first; the classifier in memory takes the new model right after.
        await PollAsync(async () => (await ClassifyAsync(manager)).All(r => r.GetProperty("model").GetString() == "zh-reviews-1.r1"));

        var after = await ClassifyAsync(manager);
        after.ShouldAllBe(r => r.GetProperty("model").GetString() == "zh-reviews-1.r1");
        after.Count(r => HasTopic(r, "authenticity")).ShouldBeGreaterThanOrEqualTo(45);

        var rollback = await admin.PostAsync("/api/v1/community/models/rollback", null, Ct);
        rollback.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await rollback.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("version").GetString().ShouldBe("zh-reviews-1");

        var restored = await ClassifyAsync(manager);
        restored.Select(r => r.GetRawText()).ShouldBe(before.Select(r => r.GetRawText()));

        // The newer version's corrections are not "new" again: the background job does not retrain behind the rollback.
        await Task.Delay(500, Ct);
        (await ClassifyAsync(manager)).ShouldAllBe(r => r.GetProperty("model").GetString() == "zh-reviews-1");
    }

    [Theory]
    [InlineData("{\"text\":\"好\",\"intent\":\"angry\"}")]
    [InlineData("{\"text\":\"好\",\"topics\":[\"weather\"]}")]
    [InlineData("{\"text\":\"好\"}")]
    [InlineData("{\"text\":\"\",\"sentiment\":\"positive\"}")]
    [InlineData("{\"text\":\"好\",\"topics\":[null]}")]
    [InlineData("[]")]
    public async Task Malformed_corrections_are_refused_and_nothing_is_stored(string body)
    {
        using var manager = _app.ClientFor("community");

        var response = await manager.PostAsync("/api/v1/community/corrections", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var ok = await manager.PostAsJsonAsync("/api/v1/community/corrections", new { text = "好", sentiment = "positive" }, Ct);
        (await ok.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task An_edited_word_list_decides_at_once_and_a_bad_one_is_refused()
    {
        using var manager = _app.ClientFor("community");
        var lexicon = await manager.GetFromJsonAsync<JsonElement>("/api/v1/community/lexicon", Ct);
        var classes = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(lexicon.GetProperty("classes").GetRawText())!;
        classes["intent.spam"].Add("薅羊毛群");

        var bad = await manager.PutAsJsonAsync("/api/v1/community/lexicon", new { classes = new Dictionary<string, string[]> { ["intent.nonsense"] = ["x"] } }, Ct);
        var good = await manager.PutAsJsonAsync("/api/v1/community/lexicon", new { classes }, Ct);
        var result = await manager.PostAsJsonAsync("/api/v1/community/classify", new { texts = new[] { "快来薅羊毛群" } }, Ct);

        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("classes")[0].GetString()!.ShouldStartWith("“intent.nonsense”不是类别名");
        good.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await good.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("version").GetInt32().ShouldBe(2);
        (await result.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results")[0].GetProperty("intent").GetString().ShouldBe("spam");
    }

    [Fact]
    public async Task An_admin_replaces_a_calendar_year_from_its_notice()
    {
        using var admin = _app.ClientFor("admin");
        using var manager = _app.ClientFor("community");
        var year = new
        {
            year = 2027,
            status = "official",
            source = new { title = "国务院办公厅关于2027年部分节假日安排的通知", document = "示例", published = "2026-11-01", url = (string?)null },
            holidays = new[] { new { name = "春节", from = "2027-02-05", to = "2027-02-12" } },
            workdays = new[] { "2027-02-13" },
        };

        var mismatched = await admin.PutAsJsonAsync("/api/v1/community/calendar/2028", year, Ct);
        var forbidden = await manager.PutAsJsonAsync("/api/v1/community/calendar/2027", year, Ct);
        var ok = await admin.PutAsJsonAsync("/api/v1/community/calendar/2027", year, Ct);
        var calendar = await manager.GetFromJsonAsync<JsonElement>("/api/v1/community/calendar", Ct);

        mismatched.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await mismatched.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("year")[0].GetString().ShouldBe("请求体中的 year 必须与路径中的年份一致");
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = calendar.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2027);
        stored.GetProperty("status").GetString().ShouldBe("official");
        stored.GetProperty("workdays")[0].GetString().ShouldBe("2027-02-13");
    }

    [Theory]
    [InlineData("{\"year\":2027,\"status\":\"official\",\"source\":{\"title\":\"t\"},\"holidays\":[{\"name\":\"x\",\"from\":\"2027-03-02\",\"to\":\"2027-03-01\"}],\"workdays\":[]}")]
    [InlineData("{\"year\":2027,\"status\":\"maybe\",\"source\":{\"title\":\"t\"},\"holidays\":[],\"workdays\":[]}")]
    [InlineData("{\"year\":2027,\"status\":\"official\",\"source\":{\"title\":\"t\"},\"holidays\":[{\"name\":\"x\",\"from\":\"2027-03-01\",\"to\":\"2027-03-01\"}],\"workdays\":[\"2027-03-01\"]}")]
    [InlineData("{\"year\":2027,\"status\":\"official\",\"holidays\":[],\"workdays\":[]}")]
    [InlineData("{\"year\":2027,\"status\":\"official\",\"source\":{\"title\":\"t\"},\"holidays\":[],\"workdays\":[\"not a date\"]}")]
    public async Task A_bad_calendar_year_is_refused_with_problem_details(string body)
    {
        using var admin = _app.ClientFor("admin");

        var response = await admin.PutAsync("/api/v1/community/calendar/2027", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    private static async Task PollAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The retrained version did not become active in time.");
            }

            await Task.Delay(100, Ct);
        }
    }
}
