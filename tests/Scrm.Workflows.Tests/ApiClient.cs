using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Scrm.Workflows.Tests;

/// <summary>Small helpers for calling the workflow API over real HTTP.</summary>
internal static class ApiClient
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // Strict: an answer that names a property twice (the reader keeps only one) is a defect.
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text, documentOptions: new() { AllowDuplicateProperties = false }));
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(this HttpClient client, string path, string? json = null) =>
        client.SendAsync(HttpMethod.Post, path, json ?? "");

    public static Task<(HttpStatusCode Status, JsonNode? Body)> GetJsonAsync(this HttpClient client, string path) =>
        client.SendAsync(HttpMethod.Get, path);

    /// <summary>Creates (or replaces the draft of) a definition and publishes it.</summary>
    public static async Task PublishAsync(this HttpClient client, string json)
    {
        var id = JsonNode.Parse(json)!["id"]!.GetValue<string>();
        var (created, body) = await client.PostAsync("/api/v1/workflows/definitions", json);
        if (created == HttpStatusCode.Conflict)
        {
            (created, body) = await client.SendAsync(HttpMethod.Put, $"/api/v1/workflows/definitions/{id}", json);
        }

        created.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        var (published, problem) = await client.PostAsync($"/api/v1/workflows/definitions/{id}/publish");
        published.ShouldBe(HttpStatusCode.OK, problem?.ToJsonString());
    }

    /// <summary>Runs the published version; returns the new instance's id.</summary>
    public static async Task<string> RunAsync(this HttpClient client, string id, string input = "{}")
    {
        var (status, body) = await client.PostAsync($"/api/v1/workflows/definitions/{id}/run", input);
        status.ShouldBe(HttpStatusCode.Accepted, body?.ToJsonString());
        return body!["instanceId"]!.GetValue<string>();
    }

    /// <summary>Polls an instance until it has the status, failing with its incidents after the timeout.</summary>
    public static async Task<JsonNode> WaitForStatusAsync(this HttpClient client, string instanceId, string status, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var (code, body) = await client.GetJsonAsync($"/api/v1/workflows/instances/{instanceId}");
            var current = code == HttpStatusCode.OK ? body!["instance"]!["status"]!.GetValue<string>() : code.ToString();
            if (current == status || DateTime.UtcNow > until)
            {
                current.ShouldBe(status, body?["incidentLog"]?.ToJsonString());
                return body!;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
