using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>/api/v1/segments over real HTTP: saving, validation with node paths, roles, the hostile corpus.</summary>
public sealed class SegmentsApiTests(SegmentsApiTests.App app) : IClassFixture<SegmentsApiTests.App>
{
    public sealed class App() : ScrmApp;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object GoldRecent => new
    {
        and = new object[]
        {
            new { fact = "tier", op = "in", values = new[] { "gold" } },
            new { fact = "lastOrderAt", op = "within", days = 30 },
        },
    };

    [Fact]
    public async Task A_segment_is_saved_read_changed_and_deleted()
    {
        using var client = app.ClientFor("marketer");

        var created = await client.PostAsJsonAsync("/api/v1/segments", new { name = "近30天金卡", description = "复购", rule = GoldRecent }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var segment = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = segment.GetProperty("id").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/segments/{id}");
        segment.GetProperty("rule").GetProperty("and")[1].GetProperty("days").GetInt32().ShouldBe(30);
        segment.GetProperty("createdBy").GetString().ShouldNotBeNullOrEmpty();

        var changed = await client.PutAsJsonAsync($"/api/v1/segments/{id}", new { name = "近7天金卡", rule = new { fact = "lastOrderAt", op = "within", days = 7 }, version = 1 }, Ct);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stale = await client.PutAsJsonAsync($"/api/v1/segments/{id}", new { name = "旧版本", rule = GoldRecent, version = 1 }, Ct);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        stale.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}", Ct);
        read.GetProperty("name").GetString().ShouldBe("近7天金卡");
        read.GetProperty("version").GetInt32().ShouldBe(2);
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/segments", Ct)).EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ShouldContain(id);

        (await client.DeleteAsync($"/api/v1/segments/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync($"/api/v1/segments/{id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_rule_is_refused_with_422_naming_the_node_and_nothing_is_saved()
    {
        using var client = app.ClientFor("marketer");
        var before = (await client.GetFromJsonAsync<JsonElement>("/api/v1/segments", Ct)).GetArrayLength();
        var rule = new { or = new object[] { new { fact = "tier", op = "in", values = new[] { "gold" } }, new { not = new { fact = "orderCount", op = "gte", value = -2 } } } };

        var response = await client.PostAsJsonAsync("/api/v1/segments", new { name = "坏规则", rule }, Ct);
        var validate = await client.PostAsJsonAsync("/api/v1/segments/validate", rule, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").GetProperty("$.or[1].not.value")[0].GetString()!.ShouldContain("0");
        problem.GetProperty("title").GetString().ShouldBe("分群规则有误");
        validate.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/segments", Ct)).GetArrayLength().ShouldBe(before);
    }

    [Fact]
    public async Task A_good_rule_validates_and_the_schema_is_served()
    {
        using var client = app.ClientFor("marketer");

        var validate = await client.PostAsJsonAsync("/api/v1/segments/validate", GoldRecent, Ct);
        var schema = await client.GetAsync("/api/v1/segments/schema", Ct);

        validate.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        schema.StatusCode.ShouldBe(HttpStatusCode.OK);
        schema.Content.Headers.ContentType!.MediaType.ShouldBe("application/schema+json");
        var defs = (await schema.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("$defs");
        defs.GetProperty("set").GetProperty("properties").GetProperty("fact").GetProperty("enum").EnumerateArray().Select(e => e.GetString())
            .ShouldBe(["tags", "identities", "consent"]);
    }

    [Theory]
    [InlineData("""{"rule":{"and":[]}}""", "name")]
    [InlineData("""{"name":"x"}""", "rule")]
    [InlineData("""{"name":"x","rule":null}""", "rule")]
    public async Task Missing_fields_are_named(string body, string field)
    {
        using var client = app.ClientFor("marketer");

        var response = await client.PostAsync("/api/v1/segments", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task An_update_must_name_its_version()
    {
        using var client = app.ClientFor("marketer");
        var created = await (await client.PostAsJsonAsync("/api/v1/segments", new { name = "v", rule = GoldRecent }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        var response = await client.PutAsJsonAsync($"/api/v1/segments/{created.GetProperty("id").GetGuid()}", new { name = "v2", rule = GoldRecent }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("version", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("sales")]
    [InlineData("community")]
    [InlineData("ingest")]
    public async Task Only_marketers_and_admins_reach_segments(string role)
    {
        using var client = app.ClientFor(role);

        (await client.GetAsync("/api/v1/segments", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsJsonAsync("/api/v1/segments", new { name = "x", rule = GoldRecent }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Hostile_texts_in_names_and_values_are_kept_verbatim_as_data()
    {
        using var client = app.ClientFor("admin");
        var texts = Hostile.Texts().Select(t => (t.Length > 200 ? t[..200] : t).Trim()).Where(t => t.Length > 0 && !t.Any(char.IsControl)).Distinct().ToArray();

        var response = await client.PostAsJsonAsync("/api/v1/segments", new { name = texts[0].Trim(), rule = new { fact = "tags", op = "hasAny", values = texts } }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var saved = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        saved.GetProperty("rule").GetProperty("values").EnumerateArray().Select(v => v.GetString()).ShouldBe(texts);
    }

    public static readonly (string Method, string Path)[] Endpoints =
    [
        ("POST", "/api/v1/segments"),
        ("PUT", "/api/v1/segments/0191a000-0000-7000-8000-0000000000ff"),
        ("POST", "/api/v1/segments/validate"),
        ("POST", "/api/v1/segments/preview"),
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
    public async Task Hostile_json_bodies_get_a_4xx_with_problem_details_and_store_nothing(string id, int endpoint)
    {
        var (method, path) = Endpoints[endpoint];
        using var client = app.ClientFor("admin");
        var before = await client.GetStringAsync("/api/v1/segments", Ct);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Hostile.Body(id)) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request, Ct);

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await client.GetAsync("/health/ready", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetStringAsync("/api/v1/segments", Ct)).ShouldBe(before);
    }
}
