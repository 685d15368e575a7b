using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using Scrm.Testing;

namespace Scrm.Workflows.Tests;

public sealed class SqliteWorkflowApiSafetyTests(WorkflowApiTests.App app) : WorkflowApiSafetyTests(app), IClassFixture<WorkflowApiTests.App>;

public sealed class PostgresWorkflowApiSafetyTests(WorkflowApiTests.PostgresApp app) : WorkflowApiSafetyTests(app), IClassFixture<WorkflowApiTests.PostgresApp>;

/// <summary>The workflow API's contract and its defences: the served JSON Schema, roles, hostile definitions and bodies, on each storage provider.</summary>
public abstract class WorkflowApiSafetyTests(ScrmApp app)
{
    private static string Example() => File.ReadAllText(Path.Combine(Repo.Root, "workflows", "definitions", "example-lead-score.json"));

    [Fact]
    public async Task Served_schema_is_a_json_schema_that_accepts_the_shipped_example_and_names_what_is_wrong_with_a_broken_one()
    {
        using var api = app.ClientFor("marketer");
        using var response = await api.GetAsync("/api/v1/workflows/schema", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/schema+json");
        var schema = await JsonSchema.FromJsonAsync(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        schema.Validate(Example()).ShouldBeEmpty();

        var broken = Example()
            .Replace("\"type\": \"setVariable\"", "\"type\": \"teleport\"", StringComparison.Ordinal)
            .Replace("\"type\": \"if\", \"inputs\": { \"condition\"", "\"type\": \"if\", \"inputs\": { \"colour\"", StringComparison.Ordinal);
        var errors = schema.Validate(broken).SelectMany(Flatten).ToList();
        errors.ShouldNotBeEmpty();
        errors.ShouldContain(e => e.Path != null && e.Path.Contains("activities[0].type", StringComparison.Ordinal), string.Join("; ", errors));
        errors.ShouldContain(e => e.Property == "colour" && e.Kind == NJsonSchema.Validation.ValidationErrorKind.NoAdditionalPropertiesAllowed, string.Join("; ", errors));
        errors.ShouldContain(e => e.Property == "condition" && e.Kind == NJsonSchema.Validation.ValidationErrorKind.PropertyRequired, string.Join("; ", errors));
    }

    private static IEnumerable<NJsonSchema.Validation.ValidationError> Flatten(NJsonSchema.Validation.ValidationError error) =>
        error is NJsonSchema.Validation.ChildSchemaValidationError child
            ? new[] { error }.Concat(child.Errors.SelectMany(e => e.Value).SelectMany(Flatten))
            : [error];

    [Theory]
    [InlineData("marketer", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("sales", HttpStatusCode.Forbidden)]
    [InlineData("community", HttpStatusCode.Forbidden)]
    [InlineData("ingest", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Only_marketers_and_admins_may_design_and_run_workflows(string? role, HttpStatusCode expected)
    {
        using var api = role is null ? app.CreateClient() : app.ClientFor(role);
        var id = $"auth-{role ?? "anonymous"}";

        (await api.GetJsonAsync("/api/v1/workflows/definitions")).Status.ShouldBe(expected);
        var (created, _) = await api.PostAsync("/api/v1/workflows/definitions",
            $$"""{ "id": "{{id}}", "name": "auth", "triggers": [{ "id": "start", "type": "start" }] }""");
        created.ShouldBe(expected == HttpStatusCode.OK ? HttpStatusCode.Created : expected);
        (await api.GetJsonAsync("/api/v1/workflows/instances")).Status.ShouldBe(expected);
        (await api.PostAsync("/api/v1/workflows/events", """{"name":"x"}""")).Status.ShouldBe(expected);
        (await api.GetJsonAsync("/api/v1/workflows/schema")).Status.ShouldBe(expected);
    }

    [Theory]
    [InlineData("a NUL", "\\u0000")]
    [InlineData("a bell", "\\u0007")]
    [InlineData("a lone surrogate", "\\ud800")]
    public async Task A_definition_whose_name_carries_control_characters_is_refused_like_any_other_text(string what, string escape)
    {
        using var api = app.ClientFor("marketer");
        var id = "named-with-" + what.Replace(' ', '-');
        var body = $$"""{ "id": "{{id}}", "name": "bad{{escape}}name", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "end", "type": "end" }], "connections": [{ "source": "start", "target": "end" }] }""";

        var (status, problem) = await SendRawAsync(api, "/api/v1/workflows/definitions", Encoding.UTF8.GetBytes(body));

        ((int)status).ShouldBeInRange(400, 422, what);
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe((int)status);
        (await api.GetJsonAsync($"/api/v1/workflows/definitions/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    public static TheoryData<string> HostileDefinitions => new() { "ten megabytes", "ten thousand activities", "deep nesting" };

    [Theory]
    [MemberData(nameof(HostileDefinitions))]
    public async Task Hostile_definitions_are_refused_with_problem_details_and_nothing_is_stored(string kind)
    {
        using var api = app.ClientFor("marketer");
        var id = "hostile-" + kind.Replace(' ', '-');
        var body = kind switch
        {
            "ten megabytes" => $$"""{ "id": "{{id}}", "name": "{{new string('x', 10 * 1024 * 1024)}}" }""",
            "ten thousand activities" => $$"""{ "id": "{{id}}", "name": "big", "triggers": [{ "id": "start", "type": "start" }], "activities": [{{string.Join(",", Enumerable.Range(0, 10_000).Select(i => $$"""{ "id": "a{{i}}", "type": "end" }"""))}}] }""",
            _ => $$"""{ "id": "{{id}}", "name": "deep", "activities": [{ "id": "a", "type": "setVariable", "inputs": { "name": "x", "value": {{string.Concat(Enumerable.Repeat("{\"literal\":", 5_000))}}1{{new string('}', 5_000)}} } }] }""",
        };

        var (status, problem) = await SendRawAsync(api, "/api/v1/workflows/definitions", Encoding.UTF8.GetBytes(body));

        status.ShouldBe(kind == "ten megabytes" ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest);
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe((int)status);
        var text = problem.RootElement.GetRawText();
        if (kind == "ten thousand activities")
        {
            text.ShouldContain("10,001");
        }
        else if (kind == "deep nesting")
        {
            problem.RootElement.GetProperty("detail").GetString()!.ShouldMatch("嵌套超过 [0-9]+ 层");
        }

        (await api.GetJsonAsync($"/api/v1/workflows/definitions/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_infinite_loop_in_an_expression_faults_its_instance_and_the_host_keeps_serving()
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync("""{ "id": "spin", "name": "spin", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "loop", "type": "script", "inputs": { "value": { "js": "for (;;) {}" } } }], "connections": [{ "source": "start", "target": "loop" }] }""");

        var id = await api.RunAsync("spin");

        var faulted = await api.WaitForStatusAsync(id, "faulted", TimeSpan.FromSeconds(10));
        faulted["incidentLog"]!.AsArray().Single()!["message"]!.GetValue<string>().ShouldContain("'loop'");
        (await api.GetJsonAsync("/api/v1/workflows/definitions")).Status.ShouldBe(HttpStatusCode.OK);
        var (dry, result) = await api.PostAsync("/api/v1/workflows/definitions/spin/run?dryRun=true", "{}");
        dry.ShouldBe(HttpStatusCode.OK);
        result!["status"]!.GetValue<string>().ShouldBe("faulted");
    }

    public static TheoryData<string, string> HostileBodies()
    {
        var data = new TheoryData<string, string>();
        var cases = JsonDocument.Parse(File.ReadAllText(Repo.Fixture("hostile", "cases.json"))).RootElement.EnumerateArray()
            .Where(c => c.GetProperty("channel").GetString() == "json webhook")
            .Select(c => c.GetProperty("id").GetString()!);
        foreach (var id in cases)
        {
            foreach (var path in new[] { "/api/v1/workflows/definitions", "/api/v1/workflows/definitions/hostile-target/run", "/api/v1/workflows/events" })
            {
                data.Add(id, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_json_bodies_get_a_4xx_with_problem_details(string fixture, string path)
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync("""{ "id": "hostile-target", "name": "target", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "copy", "type": "setVariable", "inputs": { "name": "text", "value": { "js": "JSON.stringify(input)" } } }], "connections": [{ "source": "start", "target": "copy" }] }""");

        var (status, problem) = await SendRawAsync(api, path, HostileBody(fixture));

        if (path.EndsWith("/run", StringComparison.Ordinal) && fixture is "json-nul-bytes" or "json-wrong-types" or "name-zero-width-rtl")
        {
            // A run's input is free-form JSON: well-formed oddities are data, kept verbatim, never truncated.
            status.ShouldBe(HttpStatusCode.Accepted, problem.RootElement.GetRawText());
            var id = problem.RootElement.GetProperty("instanceId").GetString()!;
            var done = await api.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(10));
            JsonNode.DeepEquals(done["input"], JsonNode.Parse(HostileBody(fixture))).ShouldBeTrue();
            return;
        }

        ((int)status).ShouldBeInRange(400, 499, problem.RootElement.GetRawText());
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe((int)status);
        (await api.GetJsonAsync("/api/v1/workflows/definitions")).Status.ShouldBe(HttpStatusCode.OK);
    }

    private static byte[] HostileBody(string id) => Hostile.Body(id);

    private static async Task<(HttpStatusCode, JsonDocument)> SendRawAsync(HttpClient api, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true;
        using var response = await api.SendAsync(request, TestContext.Current.CancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }

        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }
}
