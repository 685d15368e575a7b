using System.Text.Json;
using Scrm.Platform.Faults;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Runtime;

/// <summary>Recording a burst (through the group commit) and what follows the commit outside the lock: timers, the outbox, kept early events.</summary>
public sealed partial class WorkflowRuntime
{
    private Task<CommitResult> CommitAsync(Burst burst)
    {
        // The burst has run: its script engine goes back to the pool now, not after the wait for the commit.
        burst.Scripts.Dispose();
        var state = burst.State;
        if (NoOpRun.Applies(burst))
        {
            return _writer.CommitAsync(new InstanceCommit(state, 0, "", null, null, [], [], burst.Counts, [], NoOp: true));
        }

        // Encoded here, on the burst's thread, not on the commit writer's one loop.
        var compress = _writer.CompressesHistory;
        string? logJson = null;
        if (burst.Log.Count > 0)
        {
            state.LogSeq++;
            logJson = JsonSerializer.Serialize(burst.Log, RuntimeJson.Stored.ListActivityLogRecord);
        }

        // A running instance's state is read back at every resume and stays text; an ended one's is history.
        // A finished one is never written again (only a faulted one is retried), so its last log can live inside its state.
        var stateJson = JsonSerializer.Serialize(state, RuntimeJson.Stored.InstanceState);
        object? log = null;
        object json;
        if (compress && logJson is not null && state.Status == WorkflowStatus.Finished && StoredJson.EncodeWithLog(stateJson, logJson) is { } both)
        {
            json = both;
        }
        else
        {
            log = logJson is null ? null : StoredJson.Encode(logJson, compress);
            json = StoredJson.Encode(stateJson, compress && !state.Status.IsActive());
        }

        CrashPoints.Reach(CrashPoints.BurstBeforeRecord);
        return _writer.CommitAsync(new InstanceCommit(state, burst.ExpectedVersion, json, log,
            burst.Workflow.Definition.Options.OneRunningPerCorrelation && state.Status.IsActive() ? SingletonKey(state) : null,
            burst.AddedBookmarks, burst.RemovedBookmarks, burst.Counts, burst.Outbox));
    }

    private static string? SingletonKey(InstanceState state) => state.CorrelationId is { } c ? $"{state.DefinitionId}\n{c}" : null;

    /// <summary>After the commit and outside the lock: schedule timers, deliver the outbox, match kept early events.</summary>
    private async Task AfterCommitAsync(Burst burst, CommitResult commit, CancellationToken cancellationToken)
    {
        foreach (var bookmark in burst.AddedBookmarks)
        {
            if (bookmark.DueAt is not null)
            {
                await _timers.ScheduleAsync(burst.State.Id, bookmark, cancellationToken);
            }
        }

        for (var i = 0; i < commit.OutboxIds.Count; i++)
        {
            var entry = burst.Outbox[i];
            await DeliverAsync(new PendingStimulus(commit.OutboxIds[i], entry.Name, entry.Key, entry.Payload, false), cancellationToken);
        }

        if (Interlocked.Read(ref _keptEvents) > 0 && burst.AddedBookmarks.Any(b => b.DueAt is null))
        {
            await RetryKeptAsync(burst.AddedBookmarks.Where(b => b.DueAt is null).Select(b => b.Hash).ToList(), cancellationToken);
        }
    }
}
