using System.Text.Json.Nodes;
using Scrm.Platform.Effects;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Expressions;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Activities;

/// <summary>
/// What one activity execution sees and says: its evaluated inputs, the instance's variables and
/// per-node state, and its result (outcomes, bookmarks, outputs). Inputs read through
/// <see cref="Get{T}"/> and outputs set here are what the execution log records.
/// </summary>
public sealed class ActivityContext
{
    private readonly Burst _burst;

    internal ActivityContext(Burst burst, CompiledNode node, WorkItem item, int iteration, ResumedBookmark? resumed)
    {
        _burst = burst;
        Node = node;
        Item = item;
        Iteration = iteration;
        Resumed = resumed;
    }

    internal CompiledNode Node { get; }

    internal WorkItem Item { get; }

    internal JsonObject? RecordedInputs { get; private set; }

    internal JsonObject? RecordedOutputs { get; private set; }

    internal List<string>? CompletedOutcomes { get; private set; }

    internal bool FollowAll { get; private set; }

    internal List<BookmarkRequest>? Bookmarks { get; private set; }

    internal bool FinishesInstance { get; private set; }

    internal string? NextScope { get; private set; }

    internal bool CancelsSiblingBranches { get; private set; }

    public string InstanceId => _burst.State.Id;

    public string DefinitionId => _burst.State.DefinitionId;

    public string ActivityId => Node.Id;

    public string ActivityType => Node.Descriptor.Type;

    public string? CorrelationId => _burst.State.CorrelationId;

    /// <summary>How many times this node has run in this instance, counting this one (for-each bodies run many times).</summary>
    public int Iteration { get; }

    /// <summary>Stable across retries and restarts: instance id + activity id + iteration.</summary>
    public string IdempotencyKey => InstanceIds.StepKey(InstanceId, Node.Id, Iteration);

    /// <summary>A dry run records side effects instead of performing them.</summary>
    public bool DryRun => _burst.DryRun;

    public ResumedBookmark? Resumed { get; }

    /// <summary>The node whose connection led here, if any.</summary>
    public string? ArrivedFrom => Item.From;

    /// <summary>The distinct nodes with a connection into this one.</summary>
    public IReadOnlyList<string> InboundSources => Node.InboundSources;

    /// <summary>The fork scope this execution runs in ("" outside any fork).</summary>
    public string Scope => Item.Scope;

    public IServiceProvider Services => _burst.Services;

    public TimeProvider Time => _burst.Time;

    public CancellationToken CancellationToken => _burst.CancellationToken;

    /// <summary>Evaluates an input (literal, variable, script or template) as <typeparamref name="T"/> and records it in the log.</summary>
    public T? Get<T>(Input<T> input)
    {
        var binding = input.Binding;
        if (binding is null)
        {
            return default;
        }

        if (binding is { Kind: InputKind.Literal, HasConverted: true })
        {
            Record(binding.Name, binding.Literal);
            return (T?)binding.Converted;
        }

        var node = binding.Kind switch
        {
            InputKind.Literal => binding.Literal,
            InputKind.Variable => _burst.State.Variables.GetValueOrDefault(binding.Variable!),
            _ => _burst.Scripts.Evaluate(binding.Script!),
        };
        Record(binding.Name, node);
        var value = ValueConvert.To<T>(node, binding.Name);
        if (binding.Kind == InputKind.Literal && (typeof(T).IsValueType || typeof(T) == typeof(string)))
        {
            binding.Converted = value;
            binding.HasConverted = true;
        }

        return value;
    }

    public JsonNode? GetVariable(string name) => _burst.State.Variables.GetValueOrDefault(name);

    public void SetVariable(string name, JsonNode? value)
    {
        _burst.State.Variables[name] = value;
        _burst.State.VariablesVersion++;
    }

    /// <summary>Per-node, per-scope state that survives suspension (a loop's position, a join's arrivals).</summary>
    public JsonNode? State
    {
        get => _burst.State.NodeState.GetValueOrDefault(StateKey);
        set
        {
            if (value is null)
            {
                _burst.State.NodeState.Remove(StateKey);
            }
            else
            {
                _burst.State.NodeState[StateKey] = value;
            }
        }
    }

    private string StateKey => Item.Scope.Length == 0 ? Node.Id : Node.Id + "@" + Item.Scope;

    public void SetOutput(string name, JsonNode? value) => (RecordedOutputs ??= [])[name] = value;

    public void SetCorrelationId(string? correlationId) => _burst.State.CorrelationId = correlationId;

    public void Complete(string outcome = Outcomes.Done) => (CompletedOutcomes ??= []).Add(outcome);

    /// <summary>Completes and follows every outbound connection, each branch in a new fork scope (fork).</summary>
    public void CompleteAllBranches()
    {
        FollowAll = true;
        CompletedOutcomes ??= [];
        NextScope = $"{Item.Scope}/{Node.Id}#{Iteration}";
    }

    /// <summary>Completes a join: continues in the enclosing scope; with <paramref name="cancelOthers"/> the fork's other branches stop.</summary>
    public void CompleteJoin(bool cancelOthers)
    {
        CompletedOutcomes ??= [Outcomes.Done];
        var cut = Item.Scope.LastIndexOf('/');
        NextScope = cut < 0 ? "" : Item.Scope[..cut];
        CancelsSiblingBranches = cancelOthers && Item.Scope.Length > 0;
    }

    public void Suspend(BookmarkRequest request) => (Bookmarks ??= []).Add(request);

    /// <summary>Ends the instance: pending branches and bookmarks are dropped.</summary>
    public void FinishInstance()
    {
        FinishesInstance = true;
        CompletedOutcomes ??= [Outcomes.Done];
    }

    /// <summary>
    /// Starts the published version of another workflow after this burst commits (durably, through
    /// the outbox); the child's id is derived from this execution, so a rerun never starts two.
    /// </summary>
    public string StartChild(string definitionId, JsonNode? input)
    {
        var childId = InstanceIds.Derive($"{IdempotencyKey}:child");
        if (!DryRun)
        {
            _burst.Outbox.Add(new OutboxStimulus(ChildStart.Name, childId, new JsonObject
            {
                ["definitionId"] = definitionId,
                ["input"] = input?.DeepClone(),
                ["parentId"] = InstanceId,
            }));
        }

        return childId;
    }

    /// <summary>Evaluates a script against the instance (for activities that take code, like a template body).</summary>
    internal JsonNode? Evaluate(InputBinding binding) => _burst.Scripts.Evaluate(binding.Script!);

    /// <summary>
    /// Performs a side effect that a module's store owns (ADR 0006): <paramref name="perform"/> gets
    /// the effect's key, commits the effect and its outcome in one transaction, and for a key it has
    /// seen answers the outcome it recorded the first time, so a step run again after a crash takes
    /// the path it took before. A dry run records <paramref name="request"/> instead and returns default.
    /// </summary>
    /// <param name="part">Names a further effect of the same step, in another store (its key is the step's key + "/" + part).</param>
    public async ValueTask<T?> RunEffectAsync<T>(JsonNode? request, Func<string, CancellationToken, Task<Effect<T>>> perform, string? part = null)
    {
        if (RecordedInstead(request, part))
        {
            return default;
        }

        var effect = await perform(part is null ? IdempotencyKey : $"{IdempotencyKey}/{part}", CancellationToken);
        if (effect.Replayed)
        {
            SetOutput("replayed", true);
        }

        return effect.Outcome;
    }

    /// <summary>
    /// Performs a side effect that another system owns (an HTTP call), once per <see cref="IdempotencyKey"/>:
    /// the engine records the result after it returns and answers it on a rerun. A crash between
    /// the call and that record sends the call again with the same key, which the receiver
    /// deduplicates (the <c>Idempotency-Key</c> header). A dry run records <paramref name="request"/> instead.
    /// </summary>
    public async ValueTask<JsonNode?> RunRemoteEffectAsync(JsonNode? request, Func<string, CancellationToken, Task<JsonNode?>> perform)
    {
        if (RecordedInstead(request, null))
        {
            return null;
        }

        var key = IdempotencyKey;
        var recorded = await _burst.Effects.FindAsync(key, CancellationToken);
        if (recorded.Found)
        {
            SetOutput("replayed", true);
            return recorded.Result;
        }

        var result = await perform(key, CancellationToken);
        await _burst.Effects.RecordAsync(new EffectRecord(key, InstanceId, Node.Id, result), CancellationToken);
        return result;
    }

    private bool RecordedInstead(JsonNode? request, string? part)
    {
        if (DryRun)
        {
            SetOutput("dryRun", true);
            SetOutput(part is null ? "wouldPerform" : $"wouldPerform:{part}", request?.DeepClone());
        }

        return DryRun;
    }

    private void Record(string name, JsonNode? value) => (RecordedInputs ??= [])[name] = value?.DeepClone();
}
