using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Runtime;

namespace Scrm.Community.Workflow;

/// <summary>
/// What the inbox tells the workflow engine: a customer started waiting for an answer (starts
/// <c>community-replies</c>), the wait ended (a reply, or the conversation was resolved), a
/// conversation was resolved (its survey). The engine decides nothing here; the service-level
/// steps check the conversation again before they warn or escalate, so an event lost in a crash
/// costs a check, never a false alarm.
/// </summary>
internal sealed partial class CommunityEvents(IServiceProvider services, ILogger<CommunityEvents> log)
{
    public const string Waiting = "community.waiting";
    public const string Answered = "community.answered";
    public const string Resolved = "community.resolved";

    public static string Correlation(long conversationId) => "conversation:" + conversationId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts the service-level workflows of waits that began; each wait starts once (its key is the message's).</summary>
    public async Task WaitingAsync(IReadOnlyList<JsonObject> waits, CancellationToken cancellationToken)
    {
        if (waits.Count == 0 || services.GetService<WorkflowRuntime>() is not { } runtime)
        {
            return;
        }

        await runtime.DispatchAsync(
            [.. waits.Select(w => new Stimulus(EventStimulus.Prefix + Waiting, [""], w, "community:waiting:" + (string?)w["sourceKey"], Correlation((long)w["conversationId"]!)))],
            keepUnmatched: false, cancellationToken);
    }

    /// <summary>Ends the waits of a conversation (a reply went out, or it was resolved). Never fails the caller's request.</summary>
    public async Task AnsweredAsync(long conversationId, string how, CancellationToken cancellationToken)
    {
        if (services.GetService<WorkflowRuntime>() is not { } runtime)
        {
            return;
        }

        var correlation = Correlation(conversationId);
        try
        {
            await runtime.DispatchAsync(
                [new Stimulus(EventStimulus.Prefix + Answered, [correlation], new JsonObject { ["conversationId"] = conversationId, ["how"] = how }, CorrelationId: correlation)],
                keepUnmatched: false, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The wait's next step looks at the conversation itself and ends quietly.
            LogNotDelivered(log, Answered, e);
        }
    }

    /// <summary>Starts the after-resolve steps (the survey) once per resolution.</summary>
    public async Task ResolvedAsync(long conversationId, int version, CancellationToken cancellationToken)
    {
        if (services.GetService<WorkflowRuntime>() is not { } runtime)
        {
            return;
        }

        var key = SurveyKey(conversationId, version);
        try
        {
            await runtime.DispatchAsync(
                [new Stimulus(EventStimulus.Prefix + Resolved, [""], new JsonObject { ["conversationId"] = conversationId, ["resolution"] = key }, "community:resolved:" + key, Correlation(conversationId))],
                keepUnmatched: false, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotDelivered(log, Resolved, e);
        }
    }

    public static string SurveyKey(long conversationId, int version) =>
        conversationId.ToString(CultureInfo.InvariantCulture) + ":" + version.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The workflow event {Event} was not delivered")]
    private static partial void LogNotDelivered(ILogger logger, string @event, Exception exception);
}
