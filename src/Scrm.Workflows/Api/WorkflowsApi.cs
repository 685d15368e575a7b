using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Runtime;
using HttpRequest = Microsoft.AspNetCore.Http.HttpRequest;

namespace Scrm.Workflows.Api;

/// <summary>The workflow API: definitions (drafts, publish, run, dry run), instances, counts, events and hooks.</summary>
internal static class WorkflowsApi
{
    private const int MaxInputBytes = 256 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var maxDefinition = app.ServiceProvider.GetRequiredService<IOptions<WorkflowsOptions>>().Value.MaxDefinitionBytes;
        var group = app.MapGroup("/api/v1/workflows").WithTags("Workflows").RequireAuthorization(ScrmPolicies.Marketing);

        group.MapGet("/schema", Schema).WithSummary("The JSON Schema of workflow definitions, with the registered activity types.");
        group.MapGet("/definitions", ListDefinitionsAsync);
        group.MapPost("/definitions", CreateDefinitionAsync).WithMaxRequestBodySize(maxDefinition);
        group.MapPut("/definitions/{id}", SaveDraftAsync).WithMaxRequestBodySize(maxDefinition)
            .WithSummary("Saves the draft. With If-Match (the ETag of GET) the save is refused with 409 when someone saved or published another version meanwhile, and nothing is stored; without If-Match the draft is replaced as is.");
        group.MapGet("/definitions/{id}", GetDefinitionAsync)
            .WithSummary("The newest version with every version's state; the ETag names that version, for If-Match on PUT.");
        group.MapPost("/definitions/{id}/publish", PublishAsync);
        group.MapPost("/definitions/{id}/run", RunAsync).WithMaxRequestBodySize(MaxInputBytes);
        group.MapGet("/definitions/{id}/versions/{version:int}/counts", CountsAsync)
            .WithSummary("Per-activity counts for one version: entered, completed, faulted, waiting.");
        group.MapGet("/instances", ListInstancesAsync);
        group.MapGet("/instances/{id}", GetInstanceAsync);
        group.MapPost("/instances/{id}/cancel", CancelAsync);
        group.MapPost("/instances/{id}/retry", RetryAsync);
        group.MapPost("/events", PublishEventAsync).WithMaxRequestBodySize(MaxInputBytes)
            .WithSummary("Publishes an event: starts 'trigger.event' workflows and resumes 'waitForEvent' steps; kept for a while if nothing waits yet.");

        app.MapPost("/api/v1/workflows/hooks/{path}", HookAsync)
            .RequireAuthorization(ScrmPolicies.Ingest).WithTags("Workflows").WithMaxRequestBodySize(MaxInputBytes);
    }

    private static JsonHttpResult<JsonObject> Schema(ActivityRegistry registry) =>
        TypedResults.Json(DefinitionSchema.Build(registry), contentType: "application/schema+json");

    private static async Task<Ok<IReadOnlyList<DefinitionSummary>>> ListDefinitionsAsync(DefinitionStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Created<DefinitionResponse>, ProblemHttpResult, ValidationProblem>> CreateDefinitionAsync(
        HttpRequest request, DefinitionStore store, IOptions<WorkflowsOptions> options, CancellationToken ct)
    {
        var (definition, problem) = await ReadDefinitionAsync(request, options.Value.MaxDefinitionBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        return Saved(await store.CreateAsync(definition!, ct), definition!.Id, request.HttpContext);
    }

    private static async Task<Results<Created<DefinitionResponse>, ProblemHttpResult, ValidationProblem>> SaveDraftAsync(
        string id, HttpRequest request, DefinitionStore store, IOptions<WorkflowsOptions> options, CancellationToken ct)
    {
        var (definition, problem) = await ReadDefinitionAsync(request, options.Value.MaxDefinitionBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        var ifMatch = request.Headers.IfMatch.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        if (ifMatch.Count == 0 || ifMatch.Contains("*"))
        {
            return Saved(await store.SaveDraftAsync(id, definition!, ct), id, request.HttpContext);
        }

        var loaded = await store.GetAsync(id, ct);
        if (loaded is not null && !ifMatch.Contains(DefinitionETag.Of(loaded.Definition)))
        {
            return Stale(id, loaded, request.HttpContext);
        }

        var result = await store.SaveDraftAsync(id, definition!, ct, basedOn: loaded?.Definition);
        return result.Outcome == SaveOutcome.Stale && loaded is not null
            ? Stale(id, await store.GetAsync(id, ct) ?? loaded, request.HttpContext)
            : Saved(result, id, request.HttpContext);
    }

    private static ProblemHttpResult Stale(string id, DefinitionView current, HttpContext http) =>
        TypedResults.Problem(Texts.Stale.In(http, id, current.Definition.Version), statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["etag"] = DefinitionETag.Of(current.Definition) });

    private static async Task<Results<Ok<DefinitionView>, NotFound>> GetDefinitionAsync(string id, DefinitionStore store, HttpContext http, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } view)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = DefinitionETag.Of(view.Definition);
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<DefinitionResponse>, ProblemHttpResult, ValidationProblem>> PublishAsync(string id, DefinitionStore store, HttpContext http, CancellationToken ct)
    {
        var result = await store.PublishAsync(id, ct);
        return result.Outcome switch
        {
            PublishOutcome.Published => TypedResults.Ok(new DefinitionResponse(result.Definition!, "published")),
            PublishOutcome.NotFound => TypedResults.Problem(Texts.NoWorkflow.In(http, id), statusCode: StatusCodes.Status404NotFound),
            PublishOutcome.NothingToPublish => TypedResults.Problem(Texts.NoDraft.In(http, id), statusCode: StatusCodes.Status409Conflict),
            _ => Invalid(result.Errors!, http.Language()),
        };
    }

    private static async Task<Results<Ok<DryRunResult>, Accepted<RunResult>, ProblemHttpResult>> RunAsync(string id, bool? dryRun, string? trigger, HttpRequest request,
        DefinitionStore store, WorkflowRuntime runtime, CancellationToken ct)
    {
        var (input, problem) = await ReadJsonAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (dryRun == true)
        {
            // A dry run may run the draft: it is how a marketer tries a change before publishing it.
            var view = await store.GetAsync(id, ct);
            if (view is null)
            {
                return TypedResults.Problem(Texts.NoWorkflow.In(request.HttpContext, id), statusCode: StatusCodes.Status404NotFound);
            }

            var (dry, refused) = await runtime.DryRunAsync(view.Definition, input, trigger, ct);
            return dry is null
                ? TypedResults.Problem(refused!.In(request.HttpContext), statusCode: StatusCodes.Status400BadRequest)
                : TypedResults.Ok(dry with { Incidents = [.. dry.Incidents.Select(i => i.In(request.HttpContext.Language()))] });
        }

        var result = await runtime.RunAsync(id, input, null, ct);
        return result.Outcome == RunOutcome.NotFound
            ? TypedResults.Problem(Texts.NotPublished.In(request.HttpContext, id), statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Accepted($"/api/v1/workflows/instances/{result.InstanceId}", result);
    }

    private static async Task<Ok<IReadOnlyList<ActivityCountView>>> CountsAsync(string id, int version, InstanceQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.CountsAsync(id, version, ct));

    private static async Task<Results<Ok<IReadOnlyList<InstanceSummary>>, ProblemHttpResult>> ListInstancesAsync(string? definition, string? status, int? limit, InstanceQueries queries, HttpContext http, CancellationToken ct)
    {
        if (status is not null && WorkflowStatuses.FromWire(status) is null)
        {
            return TypedResults.Problem(Texts.Status.In(http), statusCode: StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(await queries.ListAsync(definition, status, Math.Clamp(limit ?? 100, 1, 1000), ct));
    }

    private static async Task<Results<Ok<InstanceDetail>, NotFound>> GetInstanceAsync(string id, InstanceQueries queries, HttpContext http, CancellationToken ct) =>
        await queries.GetAsync(id, ct) is { } detail
            ? TypedResults.Ok(detail with { IncidentLog = [.. detail.IncidentLog.Select(i => i.In(http.Language()))] })
            : TypedResults.NotFound();

    private static async Task<Results<Ok<RunResult>, ProblemHttpResult>> CancelAsync(string id, WorkflowRuntime runtime, HttpContext http, CancellationToken ct) =>
        Changed(await runtime.CancelAsync(id, ct), Texts.Cancel, http.Language());

    private static async Task<Results<Ok<RunResult>, ProblemHttpResult>> RetryAsync(string id, WorkflowRuntime runtime, HttpContext http, CancellationToken ct) =>
        Changed(await runtime.RetryAsync(id, ct), Texts.Retry, http.Language());

    private static async Task<Results<Ok<DispatchResult>, ProblemHttpResult>> PublishEventAsync(HttpRequest request, WorkflowRuntime runtime, CancellationToken ct)
    {
        var (body, problem) = await ReadJsonAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (body?["name"] is not JsonValue name || !name.TryGetValue<string>(out var eventName) || eventName.Length is 0 or > 200)
        {
            return TypedResults.Problem(Texts.EventName.In(request.HttpContext), statusCode: StatusCodes.Status400BadRequest);
        }

        var correlation = body["correlationId"]?.GetValue<string>() ?? "";
        var stimulus = new Stimulus(EventStimulus.Prefix + eventName, correlation.Length > 0 ? [correlation, ""] : [""], body["payload"]?.DeepClone(),
            CorrelationId: correlation.Length > 0 ? correlation : null);
        return TypedResults.Ok(await runtime.DispatchAsync([stimulus], keepUnmatched: true, ct));
    }

    private static async Task<Results<Accepted<DispatchResult>, NotFound, ProblemHttpResult>> HookAsync(string path, HttpRequest request, WorkflowRuntime runtime, CancellationToken ct)
    {
        var (body, problem) = await ReadJsonAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var result = await runtime.DispatchAsync([new Stimulus(HttpStimulus.Name, [path], body)], keepUnmatched: false, ct);
        return result.Started + result.Resumed == 0 ? TypedResults.NotFound() : TypedResults.Accepted((string?)null, result);
    }

    private static Results<Ok<RunResult>, ProblemHttpResult> Changed(RunResult result, UserText action, string language) => result.Outcome switch
    {
        RunOutcome.NotFound => TypedResults.Problem(Texts.NoInstance.In(language), statusCode: StatusCodes.Status404NotFound),
        RunOutcome.NotApplicable => TypedResults.Problem(Texts.NotApplicable.In(language, result.Status?.ToWire(), action), statusCode: StatusCodes.Status409Conflict),
        RunOutcome.Busy => TypedResults.Problem(Texts.Busy.In(language), statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.Ok(result),
    };

    private static Results<Created<DefinitionResponse>, ProblemHttpResult, ValidationProblem> Saved(SaveResult result, string id, HttpContext http)
    {
        var language = http.Language();
        switch (result.Outcome)
        {
            case SaveOutcome.Saved:
                http.Response.Headers.ETag = DefinitionETag.Of(result.Definition!);
                return TypedResults.Created($"/api/v1/workflows/definitions/{result.Definition!.Id}", new DefinitionResponse(result.Definition, result.State!));
            case SaveOutcome.NotFound:
                return TypedResults.Problem(Texts.CreateWithPost.In(language), statusCode: StatusCodes.Status404NotFound);
            case SaveOutcome.Exists:
                return TypedResults.Problem(Texts.Exists.In(language, id), statusCode: StatusCodes.Status409Conflict);
            default:
                return Invalid(result.Errors, language);
        }
    }

    /// <summary>
    /// 400 with the messages under <c>errors</c> by activity id (<c>workflow</c> for the definition
    /// itself), as every validation problem has them, and each error with its code under
    /// <c>definitionErrors</c> for tools such as the designer.
    /// </summary>
    private static ValidationProblem Invalid(IReadOnlyList<DefinitionError> errors, string language)
    {
        var read = errors.Select(e => e.In(language)).ToList();
        return TypedResults.ValidationProblem(
            read.GroupBy(e => e.ActivityId ?? "workflow").ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: NotValid.In(language),
            extensions: new Dictionary<string, object?> { ["definitionErrors"] = read });
    }

    private static readonly UserText NotValid = new("工作流定义无效。", "The definition is not valid.");

    private static class Texts
    {
        public static readonly UserText NoWorkflow = new("没有 id 为“{0}”的工作流。", "No workflow '{0}'.");
        public static readonly UserText NoDraft = new("工作流“{0}”没有可发布的草稿。", "Workflow '{0}' has no draft to publish.");
        public static readonly UserText NotPublished = new("工作流“{0}”没有已发布的版本；草稿不会运行。", "Workflow '{0}' has no published version; drafts never run.");
        public static readonly UserText CreateWithPost = new("没有这个工作流；请用 POST 创建。", "No such workflow; create it with POST.");
        public static readonly UserText Exists = new("id 为“{0}”的工作流已存在；请用 PUT 修改。", "A workflow with id '{0}' exists; change it with PUT.");
        public static readonly UserText Stale = new("工作流“{0}”在载入后已被他人保存或发布（现在是版本 {1}），本次没有保存；请重新载入后再修改。",
            "Workflow '{0}' was saved or published by someone else since it was loaded (now version {1}); nothing was saved. Load it again and redo the change.");
        public static readonly UserText Status = new("status 必须是 running、suspended、finished、faulted 或 cancelled。", "status must be running, suspended, finished, faulted or cancelled.");
        public static readonly UserText NoInstance = new("没有这个实例。", "No such instance.");
        public static readonly UserText NotApplicable = new("实例当前为 {0}，不能{1}。", "The instance is {0}; {1} does not apply.");
        public static readonly UserText Cancel = new("取消", "cancel");
        public static readonly UserText Retry = new("重试", "retry");
        public static readonly UserText Busy = new("实例正在另一个副本上运行，请稍后重试。", "The instance is busy on another replica; try again.");
        public static readonly UserText EventName = new("请求体需要 name（1 到 200 个字符），可以有 correlationId 和 payload。", "The body needs 'name' (1-200 characters), and may have 'correlationId' and 'payload'.");
        public static readonly UserText DefinitionTooLarge = new("工作流定义超过 {0:N0} 字节。", "The definition is larger than {0:N0} bytes.");
        public static readonly UserText DefinitionNotUtf8 = new("工作流定义不是有效的 UTF-8。", "The definition is not valid UTF-8.");
        public static readonly UserText BodyTooLarge = new("请求体过大。", "The body is too large.");
        public static readonly UserText BodyNotUtf8 = new("请求体不是有效的 UTF-8。", "The body is not valid UTF-8.");
    }

    private static async Task<(WorkflowDefinition?, ProblemHttpResult?)> ReadDefinitionAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, maxBytes, ct);
        if (bytes is null)
        {
            return (null, TypedResults.Problem(Texts.DefinitionTooLarge.In(request.HttpContext, maxBytes), statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        if (!Utf8.IsValid(bytes))
        {
            return (null, TypedResults.Problem(Texts.DefinitionNotUtf8.In(request.HttpContext), statusCode: StatusCodes.Status400BadRequest));
        }

        var parse = DefinitionJson.Parse(bytes, maxBytes);
        return parse.Definition is null
            ? (null, TypedResults.Problem(parse.Error!.In(request.HttpContext), statusCode: StatusCodes.Status400BadRequest))
            : (parse.Definition, null);
    }

    private static async Task<(JsonNode?, ProblemHttpResult?)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, MaxInputBytes, ct);
        if (bytes is null)
        {
            return (null, TypedResults.Problem(Texts.BodyTooLarge.In(request.HttpContext), statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        if (bytes.Length == 0)
        {
            return (null, null);
        }

        // Checked up front: the parser validates string contents only when they are read, which may be deep inside a run.
        if (!Utf8.IsValid(bytes))
        {
            return (null, TypedResults.Problem(Texts.BodyNotUtf8.In(request.HttpContext), statusCode: StatusCodes.Status400BadRequest));
        }

        try
        {
            // Duplicate keys are refused here: a JSON object holding them would only fail later, when the engine reads it.
            return (JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = DefinitionJson.MaxDepth, AllowDuplicateProperties = false }), null);
        }
        catch (JsonException ex)
        {
            return (null, TypedResults.Problem(JsonTexts.NotJson.In(request.HttpContext, JsonTexts.Reason(ex)), statusCode: StatusCodes.Status400BadRequest));
        }
    }

    private static async Task<byte[]?> ReadBytesAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

internal sealed record DefinitionResponse(WorkflowDefinition Definition, string State);
