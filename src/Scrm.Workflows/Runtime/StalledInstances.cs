using Scrm.Platform.Consistency;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Runtime;

/// <summary>
/// Instances still running long after their last commit: the sweeper continues an interrupted burst
/// within seconds, so one that is still running past the cutoff keeps failing to. Continues each once
/// more and reports those it could not.
/// </summary>
internal sealed class StalledInstances(InstanceStore store, WorkflowRuntime runtime) : IConsistencyCheck
{
    public string Name => "workflows.stalled";

    public async Task<ConsistencyFinding> RunAsync(ConsistencyRun run, CancellationToken cancellationToken)
    {
        var stalled = await store.StalledAsync(run.Cutoff.ToUnixTimeMilliseconds(), 200, cancellationToken);
        var repaired = 0;
        var left = new List<string>();
        foreach (var id in stalled)
        {
            if (run.Repair && (await runtime.ContinueAsync(id, cancellationToken)).Outcome == RunOutcome.Resumed)
            {
                repaired++;
                continue;
            }

            left.Add($"instance {id} is still running since before {run.Cutoff:O}");
        }

        return new ConsistencyFinding(Name, stalled.Count, repaired, left);
    }
}
