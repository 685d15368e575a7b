using System.Net;
using System.Text.Json.Nodes;
using Scrm.Testing;

namespace Scrm.Workflows.Tests;

public sealed class SqliteWorkflowApiTests(WorkflowApiTests.App app) : WorkflowApiTests(app), IClassFixture<WorkflowApiTests.App>;

public sealed class PostgresWorkflowApiTests(WorkflowApiTests.PostgresApp app) : WorkflowApiTests(app), IClassFixture<WorkflowApiTests.PostgresApp>;

/// <summary>
/// The workflow API through the real host: Kestrel on loopback, API keys, problem details, real
/// storage, on SQLite and on PostgreSQL.
/// </summary>
public abstract class WorkflowApiTests(ScrmApp app)
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Logging:LogLevel:Default"] = "Warning" };

    /// <summary>The host of one test class on SQLite.</summary>
    public sealed class App() : ScrmApp(settings: Settings);

    /// <summary>The host of one test class on a database of its own on the assembly's PostgreSQL server.</summary>
    public sealed class PostgresApp(PostgresServer postgres)
        : ScrmApp(StorageUnderTest.Postgres(postgres.CreateDatabaseAsync().GetAwaiter().GetResult()), Settings);

    private static string Waiter(string id, string name = "Waits for go") =>
        $$"""
        { "id": "{{id}}", "name": "{{name}}", "triggers": [{ "id": "start", "type": "start" }], "variables": [{ "name": "trail", "value": "" }],
          "activities": [
            { "id": "gate", "type": "if", "inputs": { "condition": { "js": "input.wait === true" } } },
            { "id": "w", "type": "waitForEvent", "inputs": { "event": "go", "correlationId": { "js": "input.key" } } },
            { "id": "mark", "type": "setVariable", "inputs": { "name": "trail", "value": { "template": "done ${input.key}" } } } ],
          "connections": [
            { "source": "start", "target": "gate" },
            { "source": "gate", "outcome": "true", "target": "w" },
            { "source": "gate", "outcome": "false", "target": "mark" },
            { "source": "w", "outcome": "received", "target": "mark" } ] }
        """;

    [Fact]
    public async Task Definitions_are_created_changed_published_and_run_through_the_api()
    {
        using var api = app.ClientFor("marketer");

        var (created, draft) = await api.PostAsync("/api/v1/workflows/definitions", Waiter("crud"));
        created.ShouldBe(HttpStatusCode.Created);
        (draft!["state"]!.GetValue<string>(), draft["definition"]!["version"]!.GetValue<int>()).ShouldBe(("draft", 1));
        (await api.PostAsync("/api/v1/workflows/definitions", Waiter("crud"))).Status.ShouldBe(HttpStatusCode.Conflict);
        var (notYet, problem) = await api.PostAsync("/api/v1/workflows/definitions/crud/run", "{}");
        notYet.ShouldBe(HttpStatusCode.NotFound);
        problem!["detail"]!.GetValue<string>().ShouldBe("工作流“crud”没有已发布的版本；草稿不会运行。");

        var (changed, renamed) = await api.SendAsync(HttpMethod.Put, "/api/v1/workflows/definitions/crud", Waiter("crud", "Renamed"));
        changed.ShouldBe(HttpStatusCode.Created);
        renamed!["definition"]!["name"]!.GetValue<string>().ShouldBe("Renamed");
        (await api.PostAsync("/api/v1/workflows/definitions/crud/publish")).Status.ShouldBe(HttpStatusCode.OK);
        (await api.PostAsync("/api/v1/workflows/definitions/crud/publish")).Status.ShouldBe(HttpStatusCode.Conflict);

        var id = await api.RunAsync("crud", """{"key":"k1"}""");
        var done = await api.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(10));
        done["variables"]!["trail"]!.GetValue<string>().ShouldBe("done k1");
        done["instance"]!["version"]!.GetValue<int>().ShouldBe(1);

        // A new draft does not run until it is published; runs stay on version 1.
        (await api.SendAsync(HttpMethod.Put, "/api/v1/workflows/definitions/crud", Waiter("crud", "Version two"))).Status.ShouldBe(HttpStatusCode.Created);
        var (_, view) = await api.GetJsonAsync("/api/v1/workflows/definitions/crud");
        view!["versions"]!.AsArray().Select(v => $"{v!["version"]}:{v["state"]}").ShouldBe(["2:draft", "1:published"]);
        var again = await api.RunAsync("crud", """{"key":"k2"}""");
        (await api.WaitForStatusAsync(again, "finished", TimeSpan.FromSeconds(10)))["instance"]!["version"]!.GetValue<int>().ShouldBe(1);
        var (_, list) = await api.GetJsonAsync("/api/v1/workflows/definitions");
        var summary = list!.AsArray().Single(d => d!["id"]!.GetValue<string>() == "crud")!;
        (summary["latestVersion"]!.GetValue<int>(), summary["publishedVersion"]!.GetValue<int>()).ShouldBe((2, 1));
        (await api.GetJsonAsync("/api/v1/workflows/definitions/none")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_faulted_step_reads_in_the_readers_language_in_a_dry_run_and_on_the_stored_instance()
    {
        using var api = app.ClientFor("marketer");
        using var english = app.ClientFor("marketer");
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        (await api.PostAsync("/api/v1/workflows/definitions", """
            { "id": "faults", "name": "faults", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [{ "id": "name", "type": "script", "inputs": { "value": { "js": "input.customer.name" } } }],
              "connections": [{ "source": "start", "target": "name" }] }
            """)).Status.ShouldBe(HttpStatusCode.Created);
        const string Chinese = "活动 'name'（script）出错：表达式出错：不能读取 undefined 的属性 name";
        const string English = "Activity 'name' (script) faulted: The expression threw: ";

        var (_, zh) = await api.PostAsync("/api/v1/workflows/definitions/faults/run?dryRun=true", "{}");
        var incident = zh!["incidents"]!.AsArray().Single()!.AsObject();
        incident["message"]!.GetValue<string>().ShouldBe(Chinese);
        incident.ContainsKey("chinese").ShouldBeFalse();
        var (_, en) = await english.PostAsync("/api/v1/workflows/definitions/faults/run?dryRun=true", "{}");
        en!["incidents"]![0]!["message"]!.GetValue<string>().ShouldStartWith(English);

        (await api.PostAsync("/api/v1/workflows/definitions/faults/publish")).Status.ShouldBe(HttpStatusCode.OK);
        var id = await api.RunAsync("faults", "{}");
        var stored = await api.WaitForStatusAsync(id, "faulted", TimeSpan.FromSeconds(10));
        stored["incidentLog"]![0]!["message"]!.GetValue<string>().ShouldBe(Chinese);
        var (_, storedEnglish) = await english.GetJsonAsync($"/api/v1/workflows/instances/{id}");
        storedEnglish!["incidentLog"]![0]!["message"]!.GetValue<string>().ShouldStartWith(English);
        storedEnglish["log"]!.AsArray().Last()!["error"]!.GetValue<string>().ShouldStartWith("The expression threw: ");
    }

    [Fact]
    public async Task Dry_run_returns_every_step_and_records_side_effects_instead_of_performing_them()
    {
        await using var recorder = await LoopbackRecorder.StartAsync();
        using var api = app.ClientFor("marketer");
        (await api.PostAsync("/api/v1/workflows/definitions", $$"""
            { "id": "dry", "name": "dry", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [
                { "id": "score", "type": "script", "inputs": { "value": { "js": "input.amount * 2" }, "variable": "score" } },
                { "id": "call", "type": "http.request", "inputs": { "url": "{{recorder.Address}}crm", "method": "POST", "body": { "js": "({ score: vars.score })" } } } ],
              "connections": [{ "source": "start", "target": "score" }, { "source": "score", "target": "call" }] }
            """)).Status.ShouldBe(HttpStatusCode.Created);

        // The draft itself: a marketer tries a change before publishing it.
        var (status, result) = await api.PostAsync("/api/v1/workflows/definitions/dry/run?dryRun=true", """{"amount":21}""");

        status.ShouldBe(HttpStatusCode.OK);
        result!["status"]!.GetValue<string>().ShouldBe("finished");
        var steps = result["steps"]!.AsArray();
        steps.Select(s => s!["activityId"]!.GetValue<string>()).ShouldBe(["start", "score", "call"]);
        steps[1]!["outputs"]!["result"]!.GetValue<long>().ShouldBe(42);
        var call = steps[2]!;
        call["inputs"]!["url"]!.GetValue<string>().ShouldBe($"{recorder.Address}crm");
        call["outputs"]!["wouldPerform"]!["body"]!["score"]!.GetValue<long>().ShouldBe(42);
        result["variables"]!["score"]!.GetValue<long>().ShouldBe(42);
        recorder.Requests.ShouldBeEmpty();
        var (_, instances) = await api.GetJsonAsync("/api/v1/workflows/instances?definition=dry");
        instances!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_save_over_a_version_someone_else_replaced_meanwhile_is_refused_and_nothing_is_stored()
    {
        using var first = app.ClientFor("marketer");
        using var second = app.ClientFor("marketer");
        second.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        (await first.PostAsync("/api/v1/workflows/definitions", Waiter("etag"))).Status.ShouldBe(HttpStatusCode.Created);

        async Task<string> LoadAsync(HttpClient client)
        {
            using var response = await client.GetAsync("/api/v1/workflows/definitions/etag", TestContext.Current.CancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return response.Headers.ETag.ShouldNotBeNull().Tag;
        }

        async Task<(HttpStatusCode, JsonNode?)> PutAsync(HttpClient client, string name, string? ifMatch)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/workflows/definitions/etag")
            {
                Content = new StringContent(Waiter("etag", name), System.Text.Encoding.UTF8, "application/json"),
            };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }

        var loadedByFirst = await LoadAsync(first);
        var loadedBySecond = await LoadAsync(second);
        loadedByFirst.ShouldStartWith("\"v1");
        loadedBySecond.ShouldBe(loadedByFirst);

        (await PutAsync(first, "First's change", loadedByFirst)).Item1.ShouldBe(HttpStatusCode.Created);
        var (refused, problem) = await PutAsync(second, "Second's change", loadedBySecond);
        refused.ShouldBe(HttpStatusCode.Conflict);
        problem!["detail"]!.GetValue<string>().ShouldBe(
            "Workflow 'etag' was saved or published by someone else since it was loaded (now version 1); nothing was saved. Load it again and redo the change.");
        var (zhRefused, zhProblem) = await PutAsync(first, "Second's change", loadedBySecond);
        zhRefused.ShouldBe(HttpStatusCode.Conflict);
        zhProblem!["detail"]!.GetValue<string>().ShouldBe("工作流“etag”在载入后已被他人保存或发布（现在是版本 1），本次没有保存；请重新载入后再修改。");

        var (_, stored) = await first.GetJsonAsync("/api/v1/workflows/definitions/etag");
        stored!["definition"]!["name"]!.GetValue<string>().ShouldBe("First's change");
        var current = await LoadAsync(second);
        current.ShouldNotBe(loadedByFirst);
        problem["etag"]!.GetValue<string>().ShouldBe(current);

        // With the current tag the second marketer's save goes through; without If-Match a save works as before.
        (await PutAsync(second, "Second's change", current)).Item1.ShouldBe(HttpStatusCode.Created);
        (await PutAsync(second, "Without a check", null)).Item1.ShouldBe(HttpStatusCode.Created);
        (await first.GetJsonAsync("/api/v1/workflows/definitions/etag")).Body!["definition"]!["name"]!.GetValue<string>().ShouldBe("Without a check");
    }

    [Fact]
    public async Task Refusals_answer_in_chinese_unless_english_is_asked_for()
    {
        using var zh = app.ClientFor("marketer");
        using var en = app.ClientFor("marketer");
        en.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        (await zh.PostAsync("/api/v1/workflows/definitions", Waiter("languages"))).Status.ShouldBe(HttpStatusCode.Created);

        async Task<(string Chinese, string English)> DetailsAsync(Func<HttpClient, Task<(HttpStatusCode, JsonNode?)>> call, HttpStatusCode expected)
        {
            var (zhStatus, zhProblem) = await call(zh);
            var (enStatus, enProblem) = await call(en);
            (zhStatus, enStatus).ShouldBe((expected, expected));
            return (zhProblem!["detail"]!.GetValue<string>(), enProblem!["detail"]!.GetValue<string>());
        }

        (await DetailsAsync(c => c.PostAsync("/api/v1/workflows/definitions", Waiter("languages")), HttpStatusCode.Conflict))
            .ShouldBe(("id 为“languages”的工作流已存在；请用 PUT 修改。", "A workflow with id 'languages' exists; change it with PUT."));
        (await DetailsAsync(c => c.PostAsync("/api/v1/workflows/definitions/none/publish"), HttpStatusCode.NotFound))
            .ShouldBe(("没有 id 为“none”的工作流。", "No workflow 'none'."));
        (await DetailsAsync(c => c.PostAsync("/api/v1/workflows/instances/none/cancel"), HttpStatusCode.NotFound))
            .ShouldBe(("没有这个实例。", "No such instance."));
        (await DetailsAsync(c => c.GetJsonAsync("/api/v1/workflows/instances?status=done"), HttpStatusCode.BadRequest))
            .ShouldBe(("status 必须是 running、suspended、finished、faulted 或 cancelled。", "status must be running, suspended, finished, faulted or cancelled."));
        (await DetailsAsync(c => c.PostAsync("/api/v1/workflows/events", """{"payload":{}}"""), HttpStatusCode.BadRequest))
            .ShouldBe(("请求体需要 name（1 到 200 个字符），可以有 correlationId 和 payload。", "The body needs 'name' (1-200 characters), and may have 'correlationId' and 'payload'."));
        var (empty, _) = await DetailsAsync(c => c.PostAsync("/api/v1/workflows/definitions", "null"), HttpStatusCode.BadRequest);
        empty.ShouldBe("工作流定义为空。");
    }

    [Fact]
    public async Task A_refused_definition_names_its_errors_once_by_activity_and_once_with_their_codes()
    {
        using var api = app.ClientFor("marketer");
        var broken = """
            { "id": "refused", "name": "Refused", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [{ "id": "odd", "type": "noSuchType" }], "connections": [{ "source": "start", "target": "odd" }] }
            """;

        var (status, problem) = await api.PostAsync("/api/v1/workflows/definitions", broken);

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["odd"]!.AsArray().Single()!.GetValue<string>().ShouldBe("活动 'odd' 的类型 'noSuchType' 不存在。");
        problem["detail"]!.GetValue<string>().ShouldBe("工作流定义无效。");
        var itemised = problem["definitionErrors"]!.AsArray().Single()!;
        (itemised["activityId"]!.GetValue<string>(), itemised["code"]!.GetValue<string>()).ShouldBe(("odd", "unknown-activity-type"));
        itemised["message"]!.GetValue<string>().ShouldBe("活动 'odd' 的类型 'noSuchType' 不存在。");

        // A marketer reading English gets the same errors in English.
        api.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var (_, english) = await api.PostAsync("/api/v1/workflows/definitions", broken);
        english!["errors"]!["odd"]!.AsArray().Single()!.GetValue<string>().ShouldBe("Activity 'odd' has the unknown type 'noSuchType'.");
        english["definitionErrors"]!.AsArray().Single()!["message"]!.GetValue<string>().ShouldBe("Activity 'odd' has the unknown type 'noSuchType'.");
        english["definitionErrors"]!.AsArray().Single()!.AsObject().ContainsKey("chinese").ShouldBeFalse();
    }

    [Fact]
    public async Task Instances_are_listed_by_definition_and_status_and_shown_with_their_log_and_counts()
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync(Waiter("listed"));
        var finished = new[] { await api.RunAsync("listed", """{"key":"a"}"""), await api.RunAsync("listed", """{"key":"b"}""") };
        var waiting = await api.RunAsync("listed", """{"key":"c","wait":true}""");

        var (_, suspended) = await api.GetJsonAsync("/api/v1/workflows/instances?definition=listed&status=suspended");
        suspended!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe([waiting]);
        var (_, done) = await api.GetJsonAsync("/api/v1/workflows/instances?definition=listed&status=finished");
        done!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe(finished, ignoreOrder: true);
        var (bad, problem) = await api.GetJsonAsync("/api/v1/workflows/instances?status=sleeping");
        bad.ShouldBe(HttpStatusCode.BadRequest);
        problem!["detail"]!.GetValue<string>().ShouldContain("suspended");

        var (_, detail) = await api.GetJsonAsync($"/api/v1/workflows/instances/{waiting}");
        detail!["bookmarks"]!.AsArray().Single()!["activityId"]!.GetValue<string>().ShouldBe("w");
        var log = detail["log"]!.AsArray();
        log.Select(l => $"{l!["activityId"]}:{l["status"]}").ShouldBe(["start:completed", "gate:completed", "w:waiting"]);
        log[1]!["inputs"]!["condition"]!.GetValue<bool>().ShouldBeTrue();
        log[1]!["outcome"]!.GetValue<string>().ShouldBe("true");
        log[1]!["durationMs"]!.GetValue<double>().ShouldBeGreaterThanOrEqualTo(0);
        (await api.GetJsonAsync("/api/v1/workflows/instances/no-such-instance")).Status.ShouldBe(HttpStatusCode.NotFound);

        var (_, counts) = await api.GetJsonAsync("/api/v1/workflows/definitions/listed/versions/1/counts");
        var byActivity = counts!.AsArray().ToDictionary(c => c!["activityId"]!.GetValue<string>(),
            c => $"{c!["entered"]}/{c["completed"]}/{c["faulted"]}/{c["waiting"]}");
        byActivity["gate"].ShouldBe("3/3/0/0");
        byActivity["w"].ShouldBe("1/0/0/1");
        byActivity["mark"].ShouldBe("2/2/0/0");
    }

    [Fact]
    public async Task Cancel_ends_a_waiting_instance_once()
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync(Waiter("cancelled"));
        var id = await api.RunAsync("cancelled", """{"key":"x","wait":true}""");

        var (status, result) = await api.PostAsync($"/api/v1/workflows/instances/{id}/cancel");

        status.ShouldBe(HttpStatusCode.OK);
        result!["status"]!.GetValue<string>().ShouldBe("cancelled");
        var (_, detail) = await api.GetJsonAsync($"/api/v1/workflows/instances/{id}");
        detail!["bookmarks"]!.AsArray().ShouldBeEmpty();
        (await api.PostAsync($"/api/v1/workflows/instances/{id}/cancel")).Status.ShouldBe(HttpStatusCode.Conflict);
        (await api.PostAsync("/api/v1/workflows/instances/no-such-instance/cancel")).Status.ShouldBe(HttpStatusCode.NotFound);
        var (_, counts) = await api.GetJsonAsync("/api/v1/workflows/definitions/cancelled/versions/1/counts");
        counts!.AsArray().Single(c => c!["activityId"]!.GetValue<string>() == "w")!["waiting"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task Retry_runs_a_faulted_step_again_once_its_cause_is_fixed()
    {
        await using var recorder = await LoopbackRecorder.StartAsync();
        using var api = app.ClientFor("marketer");
        await api.PublishAsync($$"""
            { "id": "retried", "name": "retried", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [{ "id": "call", "type": "http.request", "inputs": { "url": "{{recorder.Address}}flaky", "method": "POST" } },
                             { "id": "after", "type": "setVariable", "inputs": { "name": "ok", "value": true } }],
              "connections": [{ "source": "start", "target": "call" }, { "source": "call", "outcome": "success", "target": "after" }] }
            """);
        var id = await api.RunAsync("retried");
        var faulted = await api.WaitForStatusAsync(id, "faulted", TimeSpan.FromSeconds(10));
        faulted["incidentLog"]!.AsArray().Single()!["activityId"]!.GetValue<string>().ShouldBe("call");
        (await api.PostAsync($"/api/v1/workflows/instances/{id}/cancel")).Status.ShouldBe(HttpStatusCode.OK, "a faulted instance may be cancelled");
        var second = await api.RunAsync("retried");
        await api.WaitForStatusAsync(second, "faulted", TimeSpan.FromSeconds(10));

        recorder.Failing = false;
        var (status, result) = await api.PostAsync($"/api/v1/workflows/instances/{second}/retry");

        status.ShouldBe(HttpStatusCode.OK);
        result!["outcome"]!.GetValue<string>().ShouldBe("retried");
        var done = await api.WaitForStatusAsync(second, "finished", TimeSpan.FromSeconds(10));
        done["variables"]!["ok"]!.GetValue<bool>().ShouldBeTrue();
        (await api.PostAsync($"/api/v1/workflows/instances/{second}/retry")).Status.ShouldBe(HttpStatusCode.Conflict);
        var (_, counts) = await api.GetJsonAsync("/api/v1/workflows/definitions/retried/versions/1/counts");
        var call = counts!.AsArray().Single(c => c!["activityId"]!.GetValue<string>() == "call")!;
        (call["entered"]!.GetValue<long>(), call["faulted"]!.GetValue<long>(), call["completed"]!.GetValue<long>()).ShouldBe((3, 2, 1));
    }
}
