using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>Every case of fixtures/hostile that targets a JSON webhook, sent to /api/v1/mentions.</summary>
public sealed class HostileInputTests : IClassFixture<HostileInputTests.App>
{
    public sealed class App() : ScrmApp(settings: new Dictionary<string, string?>
    {
        ["Scrm:WebForms:Forms:contact:Name"] = "Contact",
        ["Scrm:WebForms:PerIpPerMinute"] = "3",
    });

    private readonly App _app;

    public HostileInputTests(App app) => _app = app;

    public static TheoryData<string> JsonCases() => new(Cases()
        .Where(c => c.GetProperty("channel").GetString()!.StartsWith("json webhook", StringComparison.Ordinal))
        .Select(c => c.GetProperty("id").GetString()!));

    public static TheoryData<string> XmlCases() => new(Cases()
        .Where(c => c.GetProperty("channel").GetString() == "xml webhook")
        .Select(c => c.GetProperty("id").GetString()!));

    private static JsonElement[] Cases() =>
        JsonDocument.Parse(File.ReadAllText(Repo.Fixture("hostile", "cases.json"))).RootElement.EnumerateArray().ToArray();

    private static byte[] Body(string id) => Hostile.Body(id);

    private async Task<int> JournalCountAsync() =>
        (await _app.Services.GetRequiredService<JournalReader>().ReadAsync(0, 100_000, CancellationToken.None)).Count;

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task Hostile_json_is_refused_with_problem_details_or_stored_verbatim(string id)
    {
        using var client = _app.ClientFor("ingest");
        var body = Body(id);
        var before = await JournalCountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/mentions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true; // a well-behaved client learns of the 413 before sending 20 MB

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        if (id.StartsWith("xss", StringComparison.Ordinal) || id == "name-zero-width-rtl")
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            var sent = JsonDocument.Parse(body).RootElement;
            var stored = (await _app.Services.GetRequiredService<JournalReader>().FindAsync(
                $"webhook:x:{sent.GetProperty("externalId").GetString()}", TestContext.Current.CancellationToken))!;
            var mention = JsonSerializer.Deserialize(stored.Payload, InboundJson.Default.MentionPayload)!;
            mention.Author!.Name.ShouldBe(sent.GetProperty("author").GetProperty("name").GetString());
            if (sent.TryGetProperty("text", out var text))
            {
                mention.Text.ShouldBe(text.GetString());
            }
        }
        else
        {
            // Hostile: refused before anything is stored (NUL and unpaired surrogates are refused, not repaired).
            var expected = id == "json-huge-string" ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest;
            response.StatusCode.ShouldBe(expected);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await JournalCountAsync()).ShouldBe(before);
        }

        (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(XmlCases))]
    public async Task Xml_sent_to_a_json_endpoint_is_415(string id)
    {
        using var client = _app.ClientFor("ingest");
        var content = new ByteArrayContent(Body(id));
        content.Headers.ContentType = new("application/xml");
        var response = await client.PostAsync("/api/v1/mentions", content, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("sql-0.txt")]
    [InlineData("sql-1.txt")]
    [InlineData("sql-2.txt")]
    public async Task Sql_text_is_stored_verbatim_as_data(string file)
    {
        using var client = _app.ClientFor("ingest");
        var text = await File.ReadAllTextAsync(Repo.Fixture("hostile", file), TestContext.Current.CancellationToken);
        var response = await client.PostAsJsonAsync("/api/v1/mentions", new
        {
            source = "x",
            externalId = file,
            author = new { id = text, name = text },
            text,
            createdAt = "2026-11-24T10:00:00Z",
        }, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stored = (await _app.Services.GetRequiredService<JournalReader>().FindAsync($"webhook:x:{file}", TestContext.Current.CancellationToken))!;
        JsonSerializer.Deserialize(stored.Payload, InboundJson.Default.MentionPayload)!.Text.ShouldBe(text);
    }

    [Fact]
    public async Task Form_posts_past_the_per_address_limit_get_429()
    {
        using var client = _app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = $"rate{i}@example.com",
            }), TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        statuses.Take(3).ShouldAllBe(s => s == HttpStatusCode.Accepted);
        statuses.Skip(3).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_body_without_json_content_type_is_415_and_an_empty_one_is_400()
    {
        using var client = _app.ClientFor("ingest");
        var text = await client.PostAsync("/api/v1/mentions", new StringContent("{}", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        var empty = await client.PostAsync("/api/v1/mentions", new StringContent("", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        text.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        empty.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
