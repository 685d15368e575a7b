using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Acornima.Ast;
using Jint;
using Jint.Constraints;
using Jint.Native;
using Scrm.Workflows.Expressions;

namespace Scrm.Workflows.Runtime;

/// <summary>
/// One burst of work on one instance: from a start or resume until the instance waits, ends,
/// faults or reaches the burst limit. Collects what the commit must write.
/// </summary>
internal sealed class Burst(CompiledWorkflow workflow, InstanceState state, BurstServices services, bool dryRun, CancellationToken cancellationToken) : IDisposable
{
    public CompiledWorkflow Workflow { get; } = workflow;

    public InstanceState State { get; } = state;

    public bool DryRun { get; } = dryRun;

    public IServiceProvider Services => services.Services;

    public TimeProvider Time => services.Time;

    public IEffectLedger Effects => services.Effects;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public ScriptScope Scripts { get; } = new(services.Scripts, state, cancellationToken);

    public List<ActivityLogRecord> Log { get; } = [];

    public List<BookmarkState> AddedBookmarks { get; } = [];

    public List<string> RemovedBookmarks { get; } = [];

    public Dictionary<string, ActivityCounts> Counts { get; } = new(StringComparer.Ordinal);

    public List<OutboxStimulus> Outbox { get; } = [];

    /// <summary>The burst stopped at its activity limit with work still queued.</summary>
    public bool Yielded { get; set; }

    /// <summary>The row version the instance was loaded at; 0 for a new instance.</summary>
    public long ExpectedVersion { get; init; }

    /// <summary>Started by an inbound item: if the run does nothing it is counted, not stored (<see cref="NoOpRun"/>).</summary>
    public bool StartedByInboundItem { get; init; }

    /// <summary>A step that changes the world outside the instance ran (or began to) in this burst.</summary>
    public bool RanSideEffect { get; set; }

    public int MaxActivities => services.MaxActivitiesPerBurst;

    public void Count(string activityId, int entered = 0, int completed = 0, int faulted = 0, int waiting = 0)
    {
        var c = Counts.GetValueOrDefault(activityId);
        Counts[activityId] = new ActivityCounts(c.Entered + entered, c.Completed + completed, c.Faulted + faulted, c.Waiting + waiting);
    }

    public void Dispose() => Scripts.Dispose();
}

/// <summary>
/// A run that did nothing: started by an inbound item, ended within its first burst with no side
/// effect, no wait, no fault and no parent to tell. Unless its definition keeps such runs, it is
/// recorded in the per-step counts and a small key that answers a redelivered start as a duplicate.
/// </summary>
internal static class NoOpRun
{
    public static bool Applies(Burst burst) =>
        burst.StartedByInboundItem
        && !burst.Workflow.Definition.Options.KeepNoOpRuns
        && burst.ExpectedVersion == 0
        && burst.State.Status == WorkflowStatus.Finished
        && !burst.RanSideEffect
        && burst.AddedBookmarks.Count == 0
        && burst.Outbox.Count == 0
        && burst.State.Incidents.Count == 0
        && burst.State.ParentInstanceId is null;

    /// <summary>
    /// The 64-bit key of an instance id: the last eight bytes of the GUID (random in both a derived
    /// and a version-7 id), so the key table is an integer-keyed b-tree of a few bytes a row. Two
    /// runs sharing a key within the window (odds about 1 in 10^7 at a million runs) would make the
    /// later one a duplicate: a no-op run not counted.
    /// </summary>
    public static long Key(string instanceId)
    {
        Span<byte> bytes = stackalloc byte[32];
        if (Guid.TryParse(instanceId, out var guid))
        {
            guid.TryWriteBytes(bytes);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(instanceId), bytes);
        }

        return BinaryPrimitives.ReadInt64LittleEndian(bytes[8..16]);
    }
}

/// <summary>What every burst needs from the host.</summary>
internal sealed record BurstServices(IServiceProvider Services, TimeProvider Time, ScriptEngine Scripts, IEffectLedger Effects, int MaxActivitiesPerBurst);

/// <summary>Changes to an activity's counters for one definition version.</summary>
internal readonly record struct ActivityCounts(long Entered, long Completed, long Faulted, long Waiting);

/// <summary>A stimulus to deliver after the commit (a finished child waking its parent), kept durably until delivered.</summary>
internal sealed record OutboxStimulus(string Name, string Key, JsonNode? Payload);

/// <summary>
/// The engine an instance's expressions run on during a burst, rented on first use. The
/// globals <c>vars</c>, <c>input</c>, <c>outputs</c> and <c>instance</c> are rebuilt only when they changed.
/// </summary>
internal sealed class ScriptScope(ScriptEngine engines, InstanceState state, CancellationToken cancellationToken = default) : IDisposable
{
    private Engine? _engine;
    private OperationDeadlineConstraint? _deadline;
    private int _variablesVersion = -1;
    private int _outputsVersion = -1;
    private bool _touchedGlobals;

    public JsonNode? Evaluate(CompiledScript script)
    {
        var engine = _engine ??= Bind(engines.Rent());
        _deadline ??= engine.Constraints.Find<OperationDeadlineConstraint>()!;
        _touchedGlobals |= script.TouchesGlobals;
        if (state.VariablesVersion != _variablesVersion)
        {
            engine.SetValue("vars", Variables(engine));
            _variablesVersion = state.VariablesVersion;
        }

        if (state.OutputsVersion != _outputsVersion)
        {
            var outputs = new JsObject(engine);
            foreach (var (id, values) in state.Outputs)
            {
                outputs.FastSetDataProperty(id, JsValues.ToJs(engine, values));
            }

            engine.SetValue("outputs", outputs);
            _outputsVersion = state.OutputsVersion;
        }

        _deadline.Begin(engines.Timeout, cancellationToken);
        try
        {
            return ScriptEngine.Evaluate(engine, script.Prepared);
        }
        catch (ExpressionException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: abandon the burst (it reruns after the restart) rather than fault the step.
            throw new OperationCanceledException(cancellationToken);
        }
        finally
        {
            _deadline.End();
        }
    }

    private Engine Bind(Engine engine)
    {
        engine.SetValue("input", JsValues.ToJs(engine, state.Input));
        var instance = new JsObject(engine);
        instance.FastSetDataProperty("id", new JsString(state.Id));
        instance.FastSetDataProperty("definitionId", new JsString(state.DefinitionId));
        instance.FastSetDataProperty("correlationId", state.CorrelationId is null ? JsValue.Null : new JsString(state.CorrelationId));
        engine.SetValue("instance", instance);
        return engine;
    }

    private JsObject Variables(Engine engine)
    {
        var vars = new JsObject(engine);
        foreach (var (name, value) in state.Variables)
        {
            vars.FastSetDataProperty(name, JsValues.ToJs(engine, value));
        }

        return vars;
    }

    /// <summary>Gives the engine back; the next evaluation rents one and binds the instance's globals again.</summary>
    public void Release()
    {
        if (_engine is not null)
        {
            if (_touchedGlobals)
            {
                ScriptEngine.Discard(_engine);
            }
            else
            {
                engines.Return(_engine);
            }

            _engine = null;
            _deadline = null;
            _touchedGlobals = false;
            _variablesVersion = -1;
            _outputsVersion = -1;
        }
    }

    public void Dispose() => Release();
}
