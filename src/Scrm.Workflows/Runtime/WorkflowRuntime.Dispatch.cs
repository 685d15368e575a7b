using System.Text.Json.Nodes;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Runtime;

/// <summary>Delivering stimuli: one lookup finds the triggers to start and the bookmarks to resume; kept early events and outbox entries are delivered the same way.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>
    /// Delivers stimuli: one indexed lookup finds every trigger to start and bookmark to resume.
    /// With <paramref name="keepUnmatched"/>, a stimulus that found nothing is kept for a bounded
    /// window in case its bookmark is about to be created.
    /// </summary>
    public Task<DispatchResult> DispatchAsync(IReadOnlyList<Stimulus> stimuli, bool keepUnmatched, CancellationToken cancellationToken) =>
        DispatchAsync(stimuli, keepUnmatched, inboundItems: false, cancellationToken);

    /// <summary>
    /// Delivers the stimuli of inbound items (the journal): like <see cref="DispatchAsync(IReadOnlyList{Stimulus}, bool, CancellationToken)"/>,
    /// but a run one starts that does nothing is counted, not stored (<see cref="NoOpRun"/>).
    /// </summary>
    internal Task<DispatchResult> DispatchInboundAsync(IReadOnlyList<Stimulus> stimuli, CancellationToken cancellationToken) =>
        DispatchAsync(stimuli, keepUnmatched: false, inboundItems: true, cancellationToken);

    private async Task<DispatchResult> DispatchAsync(IReadOnlyList<Stimulus> stimuli, bool keepUnmatched, bool inboundItems, CancellationToken cancellationToken)
    {
        var byHash = new Dictionary<string, List<Stimulus>>(StringComparer.Ordinal);
        foreach (var stimulus in stimuli)
        {
            foreach (var hash in stimulus.Hashes)
            {
                if (!byHash.TryGetValue(hash, out var list))
                {
                    byHash[hash] = list = [];
                }

                list.Add(stimulus);
            }
        }

        var matches = await _store.FindAsync(byHash.Keys, cancellationToken);
        var work = new List<Task<RunResult>>();
        var matched = new HashSet<Stimulus>(ReferenceEqualityComparer.Instance);
        foreach (var match in matches)
        {
            foreach (var stimulus in byHash[match.Hash])
            {
                matched.Add(stimulus);
                work.Add(match.IsTrigger
                    ? StartFromTriggerAsync(match, stimulus, inboundItems, cancellationToken)
                    : ResumeAsync(match.Id, match.BookmarkId!, stimulus.Payload, cancellationToken));
            }
        }

        var results = await Task.WhenAll(work);
        var kept = 0;
        if (keepUnmatched)
        {
            foreach (var stimulus in stimuli.Where(s => !matched.Contains(s)))
            {
                await _store.KeepAsync(stimulus, _options.EarlyEventWindow, cancellationToken);
                Interlocked.Increment(ref _keptEvents);
                kept++;
            }
        }

        return new DispatchResult(
            results.Count(r => r.Outcome == RunOutcome.Started),
            results.Count(r => r.Outcome == RunOutcome.Resumed),
            kept,
            results.Where(r => r.InstanceId is not null && r.Outcome is RunOutcome.Started or RunOutcome.Resumed).Select(r => r.InstanceId!).ToList());
    }

    /// <summary>Delivers a kept event or an outbox entry; it is deleted once it has done its work.</summary>
    internal async Task<bool> DeliverAsync(PendingStimulus pending, CancellationToken cancellationToken)
    {
        bool done;
        if (pending.Name == ChildStart.Name)
        {
            var definitionId = pending.Payload?["definitionId"]?.GetValue<string>() ?? "";
            var result = await RunAsync(definitionId, pending.Payload?["input"]?.DeepClone(), new RunOptions
            {
                InstanceId = pending.Key,
                ParentInstanceId = pending.Payload?["parentId"]?.GetValue<string>(),
            }, cancellationToken);
            if (result.Outcome == RunOutcome.NotFound)
            {
                // The child cannot start: tell the parent, which follows its 'faulted' outcome.
                await DispatchAsync([new Stimulus(SubWorkflowStimulus.Name, [pending.Key], new JsonObject { ["status"] = "faulted", ["error"] = $"No published workflow '{definitionId}'." })], false, cancellationToken);
            }

            done = true;
        }
        else
        {
            var result = await DispatchAsync([new Stimulus(pending.Name, [pending.Key], pending.Payload)], keepUnmatched: false, cancellationToken);
            done = result.Started + result.Resumed > 0 || !pending.IsEarlyEvent;
        }

        if (done)
        {
            await _store.DeletePendingAsync(pending.Id, cancellationToken);
            if (pending.IsEarlyEvent)
            {
                Interlocked.Decrement(ref _keptEvents);
            }
        }

        return done;
    }

    internal async Task RetryKeptAsync(IReadOnlyCollection<string>? hashes, CancellationToken cancellationToken)
    {
        var older = hashes is null ? Time.GetUtcNow().ToUnixTimeMilliseconds() - 2_000 : long.MaxValue;
        foreach (var pending in await _store.PendingAsync(hashes, older, 200, cancellationToken))
        {
            await DeliverAsync(pending, cancellationToken);
        }
    }

    internal void NoteKeptEvents(long count) => Interlocked.Exchange(ref _keptEvents, count);
}
