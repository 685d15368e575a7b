using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>The shared hostile corpus through every campaign POST and PUT: 4xx problem details, nothing stored or changed.</summary>
public sealed class CampaignsHostileTests(CampaignsHostileTests.App app) : IClassFixture<CampaignsHostileTests.App>
{
    /// <summary>One host with a saved segment and a draft campaign that the hostile bodies try to change.</summary>
    public sealed class App() : ScrmApp(settings: new Dictionary<string, string?> { ["Scrm:Scheduling:Store"] = "Memory" }), IAsyncLifetime
    {
        public Guid Segment { get; private set; }

        public Guid Draft { get; private set; }

        public async ValueTask InitializeAsync()
        {
            using var client = ClientFor("marketer");
            var segment = await client.PostAsJsonAsync("/api/v1/segments", new { name = "金卡会员", rule = CampaignWorld.GoldRule });
            Segment = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var draft = await client.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("双十一回馈", Segment));
            Draft = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string[] Endpoints =>
    [
        "POST /api/v1/campaigns",
        $"PUT /api/v1/campaigns/{app.Draft}",
        $"POST /api/v1/campaigns/{app.Draft}/schedule",
        "POST /api/v1/segments",
        "POST /api/v1/segments/preview",
    ];

    public static TheoryData<string, int> HostileJson()
    {
        var data = new TheoryData<string, int>();
        foreach (var id in Hostile.Cases()
            .Where(c => c.GetProperty("channel").GetString()!.StartsWith("json webhook", StringComparison.Ordinal))
            .Select(c => c.GetProperty("id").GetString()!))
        {
            for (var e = 0; e < 5; e++)
            {
                data.Add(id, e);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileJson))]
    public async Task Hostile_json_bodies_get_a_4xx_with_problem_details_and_store_or_change_nothing(string id, int endpoint)
    {
        var (method, path) = (Endpoints[endpoint].Split(' ')[0], Endpoints[endpoint].Split(' ')[1]);
        using var client = app.ClientFor("marketer");
        var campaigns = await client.GetStringAsync("/api/v1/campaigns", Ct);
        var segments = await client.GetStringAsync("/api/v1/segments", Ct);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Hostile.Body(id)) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request, Ct);

        ((int)response.StatusCode).ShouldBeInRange(400, 499, await response.Content.ReadAsStringAsync(Ct));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await client.GetAsync("/health/ready", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetStringAsync("/api/v1/campaigns", Ct)).ShouldBe(campaigns);
        (await client.GetStringAsync("/api/v1/segments", Ct)).ShouldBe(segments);
    }

    [Fact]
    public async Task Hostile_texts_in_a_campaigns_name_and_content_are_kept_verbatim_or_refused_as_bad_liquid_naming_the_field()
    {
        using var client = app.ClientFor("marketer");
        var texts = Hostile.Texts().Select(t => (t.Length > 200 ? t[..200] : t).Trim()).Where(t => t.Length > 0 && !t.Any(char.IsControl)).Distinct().ToArray();
        texts.Length.ShouldBeGreaterThan(10);
        foreach (var text in texts)
        {
            var before = await client.GetStringAsync("/api/v1/campaigns", Ct);
            var body = new { name = text, segmentId = app.Segment, channels = new object[] { new { channel = "sms", account = "gateway", text } } };
            var response = await client.PostAsJsonAsync("/api/v1/campaigns", body, Ct);
            var answer = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var saved = JsonDocument.Parse(answer).RootElement;
                saved.GetProperty("name").GetString().ShouldBe(text);
                saved.GetProperty("plan").GetProperty("channels")[0].GetProperty("text").GetString().ShouldBe(text);
                (await client.DeleteAsync($"/api/v1/campaigns/{saved.GetProperty("id").GetGuid()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            }
            else
            {
                response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, answer);
                response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
                JsonDocument.Parse(answer).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe(["channels[0].text"], text);
            }

            (await client.GetStringAsync("/api/v1/campaigns", Ct)).ShouldBe(before);
        }
    }
}
