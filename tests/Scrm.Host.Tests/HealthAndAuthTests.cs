using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Host.Tests;

public sealed class HealthAndAuthTests : IClassFixture<HealthAndAuthTests.App>
{
    public sealed class App() : ScrmApp();

    private readonly App _app;

    public HealthAndAuthTests(App app) => _app = app;

    [Fact]
    public async Task Ready_reports_storage_and_journal_healthy()
    {
        using var client = _app.CreateClient();
        var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        body.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString().ShouldBe("Healthy");
        body.GetProperty("checks").GetProperty("journal").GetProperty("status").GetString().ShouldBe("Healthy");
        (await client.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-wrong-key-wrong-key")]
    public async Task Api_without_a_valid_key_is_401_with_problem_details(string? key)
    {
        using var client = _app.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var response = await client.GetAsync("/api/v1/journal/stats", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_role_without_the_policy_is_403()
    {
        using var client = _app.ClientFor("sales");
        var response = await client.PostAsync("/api/v1/mentions", JsonContent.Create(new { }), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task The_openapi_document_lists_the_ingest_endpoints()
    {
        using var client = _app.CreateClient();
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var paths = doc.GetProperty("paths");
        paths.TryGetProperty("/api/v1/mentions", out _).ShouldBeTrue();
        paths.TryGetProperty("/api/v1/leads", out _).ShouldBeTrue();
        paths.TryGetProperty("/forms/{formKey}", out _).ShouldBeTrue();
        paths.TryGetProperty("/api/v1/journal/stats", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Every_error_response_in_the_served_openapi_document_is_problem_details()
    {
        using var client = _app.CreateClient();
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);

        var errors = (from path in doc.GetProperty("paths").EnumerateObject()
                      from operation in path.Value.EnumerateObject()
                      from response in operation.Value.GetProperty("responses").EnumerateObject()
                      where response.Name[0] is '4' or '5'
                      let types = response.Value.TryGetProperty("content", out var content) ? content.EnumerateObject().Select(c => c.Name).ToArray() : []
                      select (Name: $"{operation.Name.ToUpperInvariant()} {path.Name} {response.Name}", Types: string.Join(",", types))).ToList();

        errors.ShouldNotBeEmpty();
        errors.Where(e => e.Types != "application/problem+json").Select(e => $"{e.Name}: [{e.Types}]").ShouldBeEmpty();
        errors.Select(e => e.Name).ShouldContain("GET /api/v1/workflows/definitions/{id} 404");
        errors.Select(e => e.Name).ShouldContain("GET /api/v1/journal/stats 401");
    }
}
