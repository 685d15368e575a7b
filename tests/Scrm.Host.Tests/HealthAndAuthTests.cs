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
}
