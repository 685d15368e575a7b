using Scrm.Platform.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Scrm.Workflows.Activities;

[Activity("http.request", Kinds = ActivityKinds.SideEffect, Outcomes = ["success", "failure"],
    Description = "Calls an HTTP endpoint once per idempotency key (sent as the Idempotency-Key header).")]
internal sealed class HttpRequest(IHttpClientFactory clients) : Activity
{
    private const int MaxResponseChars = 64 * 1024;

    [Input(Required = true)]
    public Input<string> Url { get; init; } = new();

    [Input(Description = "GET (default), POST, PUT, PATCH or DELETE.")]
    public Input<string> Method { get; init; } = new();

    [Input]
    public Input<JsonObject> Headers { get; init; } = new();

    [Input(Description = "Sent as JSON.")]
    public Input<JsonNode> Body { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var url = context.Get(Url)!;
        var method = (context.Get(Method) ?? "GET").ToUpperInvariant();
        var headers = context.Get(Headers);
        var body = context.Get(Body);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ActivityInputException(new UserText("'{0}' 不是完整的 http(s) 网址。", "'{0}' is not an absolute http(s) URL.").Filled(url));
        }

        var request = new JsonObject { ["method"] = method, ["url"] = url, ["body"] = body?.DeepClone() };
        var result = await context.RunRemoteEffectAsync(request, async (key, ct) =>
        {
            using var message = new HttpRequestMessage(new HttpMethod(method), uri);
            message.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            foreach (var (name, value) in headers ?? [])
            {
                message.Headers.TryAddWithoutValidation(name, value?.ToString());
            }

            if (body is not null)
            {
                message.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            }

            using var response = await clients.CreateClient("workflows").SendAsync(message, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonNode? parsed;
            try
            {
                parsed = text.Length is > 0 and <= MaxResponseChars ? JsonNode.Parse(text) : JsonValue.Create(text.Length > MaxResponseChars ? text[..MaxResponseChars] : text);
            }
            catch (JsonException)
            {
                parsed = JsonValue.Create(text.Length > MaxResponseChars ? text[..MaxResponseChars] : text);
            }

            return new JsonObject { ["status"] = (int)response.StatusCode, ["body"] = parsed };
        });

        if (result is null)
        {
            context.Complete("success");
            return;
        }

        context.SetOutput("status", result["status"]?.DeepClone());
        context.SetOutput("body", result["body"]?.DeepClone());
        var status = result["status"]?.GetValue<int>() ?? 0;
        context.Complete(status is >= 200 and < 300 ? "success" : "failure");
    }
}

[Activity("log", Description = "Writes a message (usually a template) to the application log and the execution log.")]
internal sealed partial class WriteLog(ILogger<WriteLog> log) : Activity
{
    [Input(Required = true)]
    public Input<string> Message { get; init; } = new();

    [Input(Description = "information (default), warning or error.")]
    public Input<string> Level { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var message = context.Get(Message) ?? "";
        var level = context.Get(Level)?.ToUpperInvariant() switch
        {
            "WARNING" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            _ => LogLevel.Information,
        };
        if (!context.DryRun)
        {
            LogMessage(log, level, context.DefinitionId, context.ActivityId, message);
        }

        context.SetOutput("message", message);
        context.Complete();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Message = "Workflow {Definition} activity {Activity}: {Message}")]
    private static partial void LogMessage(ILogger logger, LogLevel level, string definition, string activity, string message);
}
