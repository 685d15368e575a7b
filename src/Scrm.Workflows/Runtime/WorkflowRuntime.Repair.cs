using System.Text.Json.Nodes;

namespace Scrm.Workflows.Runtime;

/// <summary>What the safety net uses to move an instance on whose record disagrees with its effects (ADR 0008).</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>
    /// The steps of type <paramref name="activityType"/> that instances correlated to
    /// <paramref name="correlationId"/> last ran, with their outputs and effect keys, oldest instance first.
    /// </summary>
    public async Task<IReadOnlyList<InstanceStep>> StepsAsync(string correlationId, string activityType, CancellationToken cancellationToken)
    {
        var steps = new List<InstanceStep>();
        foreach (var state in await _store.CorrelatedAsync(correlationId, 50, cancellationToken))
        {
            if (await _definitions.GetVersionAsync(state.DefinitionId, state.Version, cancellationToken) is not { } definition)
            {
                continue;
            }

            var workflow = _compiler.GetOrCompile(definition);
            foreach (var (activityId, outputs) in state.Outputs)
            {
                if (workflow.Nodes.TryGetValue(activityId, out var node) && node.Descriptor.Type == activityType)
                {
                    var iteration = state.Executions.GetValueOrDefault(activityId);
                    steps.Add(new InstanceStep(state.Id, state.DefinitionId, state.Status, activityId, iteration,
                        InstanceIds.StepKey(state.Id, activityId, iteration), (JsonObject)outputs.DeepClone()));
                }
            }
        }

        return steps;
    }

    /// <summary>
    /// Runs a step of an ended (finished or faulted) instance again under its original key, so that
    /// its side effects answer their recorded outcomes, and goes on from the outcome it gives now: the
    /// repair for an instance that ended on an answer its effects' record contradicts. Like Elsa's
    /// <c>ScheduleActivity</c> alteration, for steps outside fork branches.
    /// </summary>
    public Task<RunResult> ReplayStepAsync(string instanceId, string activityId, int iteration, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, RunOutcome.Retried, async (state, burst) =>
        {
            if (state.Status is not (WorkflowStatus.Finished or WorkflowStatus.Faulted) || !burst.Workflow.Nodes.ContainsKey(activityId) || iteration < 1)
            {
                return false;
            }

            await WorkflowExecutor.ReplayStepAsync(burst, activityId, iteration);
            return true;
        }, cancellationToken);
}

/// <summary>A step an instance ran last for one of its nodes: its outputs, and the key its effects ran under.</summary>
public sealed record InstanceStep(string InstanceId, string DefinitionId, WorkflowStatus Status, string ActivityId, int Iteration, string EffectKey, JsonObject Outputs);
