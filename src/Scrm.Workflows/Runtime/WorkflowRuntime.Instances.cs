using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Runtime;

/// <summary>Changing an instance that exists (resume, cancel, retry, continue): under its lock from load to commit, reloaded when a concurrent burst committed first.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>Resumes one bookmark of one instance with the stimulus payload.</summary>
    public Task<RunResult> ResumeAsync(string instanceId, string bookmarkId, JsonNode? payload, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, RunOutcome.Resumed, async (state, burst) =>
        {
            var bookmark = state.Bookmarks.Find(b => b.Id == bookmarkId);
            if (bookmark is null || !state.Status.IsActive())
            {
                return false;
            }

            await WorkflowExecutor.ResumeAsync(burst, bookmark, payload?.DeepClone());
            return true;
        }, cancellationToken);

    public Task<RunResult> CancelAsync(string instanceId, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, RunOutcome.Cancelled, (state, burst) =>
        {
            if (state.Status is WorkflowStatus.Finished or WorkflowStatus.Cancelled)
            {
                return ValueTask.FromResult(false);
            }

            WorkflowExecutor.Cancel(burst);
            return ValueTask.FromResult(true);
        }, cancellationToken);

    public Task<RunResult> RetryAsync(string instanceId, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, RunOutcome.Retried, async (state, burst) =>
        {
            if (state.Status != WorkflowStatus.Faulted)
            {
                return false;
            }

            await WorkflowExecutor.RetryAsync(burst);
            return true;
        }, cancellationToken);

    /// <summary>Continues an instance left running (a burst at its limit, or a process that died mid-burst).</summary>
    internal Task<RunResult> ContinueAsync(string instanceId, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, RunOutcome.Resumed, async (state, burst) =>
        {
            if (state.Status != WorkflowStatus.Running)
            {
                return false;
            }

            await WorkflowExecutor.RunAsync(burst);
            return true;
        }, cancellationToken);

    private async Task<RunResult> WithInstanceAsync(string instanceId, RunOutcome success, Func<InstanceState, Burst, ValueTask<bool>> act, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Burst burst;
            CommitResult commit;
            using (await _locks.AcquireAsync(instanceId, cancellationToken))
            {
                var loaded = await _store.LoadAsync(instanceId, _options.InstanceLease, cancellationToken);
                if (loaded is null)
                {
                    // With leases, no row back means another replica holds it, or there is no such instance.
                    return RunResult.Of(_store.UsesLeases && await _store.ExistsAsync(instanceId, cancellationToken) ? RunOutcome.Busy : RunOutcome.NotFound, instanceId);
                }

                var definition = await _definitions.GetVersionAsync(loaded.State.DefinitionId, loaded.State.Version, cancellationToken)
                    ?? throw new InvalidOperationException($"Instance {instanceId} runs on version {loaded.State.Version} of '{loaded.State.DefinitionId}', which is missing.");
                var workflow = _compiler.GetOrCompile(definition);
                burst = new Burst(workflow, loaded.State, _services, dryRun: false, cancellationToken) { ExpectedVersion = loaded.RowVersion };
                using (burst)
                {
                    bool acted;
                    try
                    {
                        acted = await act(loaded.State, burst);
                    }
                    catch
                    {
                        await _store.ReleaseLeaseAsync(instanceId, CancellationToken.None);
                        throw;
                    }

                    if (!acted)
                    {
                        await _store.ReleaseLeaseAsync(instanceId, cancellationToken);
                        return new RunResult(RunOutcome.NotApplicable, instanceId, loaded.State.Status);
                    }

                    commit = await CommitAsync(burst);
                }
            }

            if (commit.Outcome == CommitOutcome.Committed)
            {
                await AfterCommitAsync(burst, commit, cancellationToken);
                return new RunResult(success, instanceId, burst.State.Status);
            }

            LogConflict(_log, instanceId, attempt + 1);
        }

        return RunResult.Of(RunOutcome.Busy, instanceId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} changed under a concurrent burst; reloading (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string instanceId, int attempt);
}
