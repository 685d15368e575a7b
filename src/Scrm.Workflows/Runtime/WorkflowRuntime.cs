using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
}
