using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Faults;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Expressions;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Runtime;

/// <summary>
/// Starts, resumes, cancels and retries instances. Every path that changes an existing instance
/// holds its lock (in process, and on PostgreSQL its lease) from load to commit; the commit checks
/// the row version, so a replica that lost a race discards its burst instead of overwriting.
/// </summary>
public sealed partial class WorkflowRuntime
{
    private readonly DefinitionStore _definitions;
    private readonly WorkflowCompiler _compiler;
    private readonly InstanceStore _store;
    private readonly CommitWriter _writer;
    private readonly InstanceLocks _locks;
    private readonly IWorkflowTimers _timers;
    private readonly BurstServices _services;
    private readonly WorkflowsOptions _options;
    private readonly ILogger<WorkflowRuntime> _log;
    private long _keptEvents;

    internal WorkflowRuntime(DefinitionStore definitions, WorkflowCompiler compiler, InstanceStore store, CommitWriter writer, InstanceLocks locks,
        IWorkflowTimers timers, IServiceProvider services, TimeProvider time, ScriptEngine scripts, IOptions<WorkflowsOptions> options, ILogger<WorkflowRuntime> log)
    {
        _definitions = definitions;
        _compiler = compiler;
        _store = store;
        _writer = writer;
        _locks = locks;
        _timers = timers;
        _options = options.Value;
        _log = log;
        _services = new BurstServices(services, time, scripts, store, _options.MaxActivitiesPerBurst);
    }

    private TimeProvider Time => _services.Time;

    /// <summary>Starts the published version of a definition with an input (the run API, a parent, a cron job).</summary>
    public async Task<RunResult> RunAsync(string definitionId, JsonNode? input, RunOptions? options, CancellationToken cancellationToken)
    {
        var definition = await _definitions.GetPublishedAsync(definitionId, cancellationToken);
        if (definition is null)
        {
            return RunResult.Of(RunOutcome.NotFound);
        }

        var workflow = _compiler.GetOrCompile(definition);
        CompiledNode? trigger = null;
        if (options?.TriggerActivityId is { } triggerId && !workflow.Nodes.TryGetValue(triggerId, out trigger))
        {
            return RunResult.Of(RunOutcome.NotFound);
        }

        trigger ??= workflow.Triggers.FirstOrDefault(t => t.Descriptor.Type == "start");
        return await StartAsync(workflow, trigger, input, options?.InstanceId ?? InstanceIds.New(), options?.ParentInstanceId, options?.CorrelationId, cancellationToken);
    }

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

    private async Task<RunResult> StartFromTriggerAsync(StimulusMatch match, Stimulus stimulus, bool inboundItem, CancellationToken cancellationToken)
    {
        var definition = await _definitions.GetVersionAsync(match.Id, match.Version, cancellationToken);
        if (definition is null)
        {
            return RunResult.Of(RunOutcome.NotFound);
        }

        var workflow = _compiler.GetOrCompile(definition);
        var id = stimulus.IdempotencyKey is { } key ? InstanceIds.Derive($"{match.Id}\n{match.ActivityId}\n{key}") : InstanceIds.New();
        return await StartAsync(workflow, workflow.Nodes[match.ActivityId], stimulus.Payload?.DeepClone(), id, null, stimulus.CorrelationId, cancellationToken, inboundItem);
    }

    private async Task<RunResult> StartAsync(CompiledWorkflow workflow, CompiledNode? trigger, JsonNode? input, string id, string? parentId, string? correlationId,
        CancellationToken cancellationToken, bool inboundItem = false)
    {
        var state = WorkflowExecutor.NewInstance(workflow, id, input, correlationId, parentId, Time.GetUtcNow().ToUnixTimeMilliseconds());
        WorkflowExecutor.Schedule(state, workflow, trigger);
        CommitResult commit;
        Burst burst;
        using (await _locks.AcquireAsync(id, cancellationToken))
        {
            burst = new Burst(workflow, state, _services, dryRun: false, cancellationToken) { StartedByInboundItem = inboundItem };
            using (burst)
            {
                if (workflow.Definition.Options.OneRunningPerCorrelation)
                {
                    // Run the trigger alone first: it sets the correlation id, and nothing with an effect has run yet.
                    await WorkflowExecutor.RunAsync(burst, limit: 1);
                    if (SingletonKey(state) is { } key && await _store.HasActiveSingletonAsync(key, cancellationToken))
                    {
                        return RunResult.Of(RunOutcome.AlreadyRunning, id);
                    }
                }

                await WorkflowExecutor.RunAsync(burst);
                commit = await CommitAsync(burst);
            }
        }

        if (commit.Outcome == CommitOutcome.Conflict)
        {
            return RunResult.Of(workflow.Definition.Options.OneRunningPerCorrelation ? RunOutcome.AlreadyRunning : RunOutcome.Duplicate, id);
        }

        await AfterCommitAsync(burst, commit, cancellationToken);
        return new RunResult(RunOutcome.Started, id, state.Status);
    }

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
                    return RunResult.Of(_store.UsesLeases ? RunOutcome.Busy : RunOutcome.NotFound, instanceId);
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
        object? log = null;
        if (burst.Log.Count > 0)
        {
            state.LogSeq++;
            log = StoredJson.Encode(JsonSerializer.Serialize(burst.Log, RuntimeJson.Stored.ListActivityLogRecord), compress);
        }

        // A running instance's state is read back at every resume and stays text; an ended one's is history.
        var json = StoredJson.Encode(JsonSerializer.Serialize(state, RuntimeJson.Stored.InstanceState), compress && !state.Status.IsActive());
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} changed under a concurrent burst; reloading (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string instanceId, int attempt);
}

/// <summary>How to start an instance by hand.</summary>
public sealed record RunOptions
{
    public string? InstanceId { get; init; }

    public string? ParentInstanceId { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>Which trigger node to start at; the <c>start</c> trigger (or the first) by default.</summary>
    public string? TriggerActivityId { get; init; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<RunOutcome>))]
public enum RunOutcome
{
    Started,
    Resumed,
    Cancelled,
    Retried,
    /// <summary>The same start was already committed (a redelivered stimulus).</summary>
    Duplicate,
    /// <summary>An instance with the same correlation id is running and the workflow allows one.</summary>
    AlreadyRunning,
    NotFound,
    /// <summary>The instance is not in a state this applies to (not waiting on the bookmark, not faulted, already ended).</summary>
    NotApplicable,
    /// <summary>Another replica holds the instance.</summary>
    Busy,
}

public sealed record RunResult(RunOutcome Outcome, string? InstanceId, WorkflowStatus? Status)
{
    public static RunResult Of(RunOutcome outcome, string? instanceId = null) => new(outcome, instanceId, null);
}

public sealed record DispatchResult(int Started, int Resumed, int Kept, IReadOnlyList<string> InstanceIds);

public sealed record DryRunResult(
    WorkflowStatus Status,
    IReadOnlyList<ActivityLogRecord> Steps,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<BookmarkView> Bookmarks)
{
    /// <summary>The trigger the run entered at.</summary>
    public string? Trigger { get; init; }
}

public sealed record BookmarkView(string Id, string Name, string ActivityId, DateTimeOffset? DueAt);
