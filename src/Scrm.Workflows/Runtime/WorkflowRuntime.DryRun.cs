using System.Text.Json.Nodes;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Runtime;

/// <summary>Dry runs: a definition (a draft too) runs in memory with side effects recorded instead of performed; nothing is stored.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>Runs a definition (a draft too) in memory with side effects recorded instead of performed.</summary>
    public async Task<DryRunResult> DryRunAsync(WorkflowDefinition definition, JsonNode? input, CancellationToken cancellationToken) =>
        (await DryRunAsync(definition, input, null, cancellationToken)) is var (result, problem) && result is not null ? result : throw new ArgumentException(problem!.English);

    /// <summary>
    /// Runs a definition (a draft too) in memory with side effects recorded instead of performed,
    /// entering at <paramref name="trigger"/>, or else at the trigger the input fits (a journal item
    /// <c>{kind, channel}</c> enters at the <c>trigger.journal</c> of that kind and channel), or else at
    /// <c>start</c>. Refused, with why, when the trigger is unknown or needs an input that is missing.
    /// </summary>
    public async Task<(DryRunResult? Result, UserText? Problem)> DryRunAsync(WorkflowDefinition definition, JsonNode? input, string? trigger, CancellationToken cancellationToken)
    {
        var workflow = _compiler.GetOrCompile(definition, cache: false);
        var (entry, problem) = DryRunEntry(workflow, input, trigger);
        if (entry is null)
        {
            return (null, problem);
        }

        var state = WorkflowExecutor.NewInstance(workflow, "dry-run", input, null, null, Time.GetUtcNow().ToUnixTimeMilliseconds());
        WorkflowExecutor.Schedule(state, workflow, entry);
        using var burst = new Burst(workflow, state, _services, dryRun: true, cancellationToken);
        await WorkflowExecutor.RunAsync(burst);
        return (new DryRunResult(state.Status, burst.Log, state.Variables.ToDictionary(v => v.Key, v => v.Value), state.Incidents,
            state.Bookmarks.Select(b => new BookmarkView(b.Id, b.Name, b.ActivityId, b.DueAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null)).ToList())
        {
            Trigger = entry.Id,
        }, null);
    }

    /// <summary>Which trigger a dry run enters at; pure.</summary>
    internal static (CompiledNode? Trigger, UserText? Problem) DryRunEntry(CompiledWorkflow workflow, JsonNode? input, string? requested)
    {
        var triggers = workflow.Triggers;
        if (requested is not null)
        {
            return triggers.FirstOrDefault(t => t.Id == requested) is { } named
                ? Needs(named, input)
                : (null, DryRunTexts.NoSuchTrigger.Filled(requested, string.Join(", ", triggers.Select(t => t.Id))));
        }

        var definitions = workflow.Definition.Triggers.ToDictionary(t => t.Id, StringComparer.Ordinal);
        if (input?["kind"] is JsonValue kindValue && kindValue.TryGetValue<string>(out var kind))
        {
            var channel = input["channel"] is JsonValue c && c.TryGetValue<string>(out var ch) ? ch : null;
            var fitting = triggers.Where(t => t.Activity is TriggerActivity activity && activity.Stimulus(definitions[t.Id]) is { } stimulus
                                              && stimulus.Name == $"{kind}.received" && (stimulus.Key.Length == 0 || stimulus.Key == channel))
                .OrderByDescending(t => ((TriggerActivity)t.Activity).Stimulus(definitions[t.Id])!.Key.Length)
                .FirstOrDefault();
            if (fitting is not null)
            {
                return (fitting, null);
            }
        }

        var entry = triggers.FirstOrDefault(t => t.Descriptor.Type == "start") ?? (triggers.Count > 0 ? triggers[0] : null);
        return entry is null ? (null, DryRunTexts.NoTrigger) : Needs(entry, input);
    }

    /// <summary>Only <c>start</c> may run without an input: every other trigger hands its activities a record.</summary>
    private static (CompiledNode?, UserText?) Needs(CompiledNode trigger, JsonNode? input) =>
        input is null && trigger.Descriptor.Type != "start"
            ? (null, DryRunTexts.NeedsRecord.Filled(trigger.Id, trigger.Descriptor.Type, DryRunTexts.SampleRecord))
            : (trigger, null);
}
