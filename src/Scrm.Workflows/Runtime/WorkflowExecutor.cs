using System.Diagnostics;
using System.Text.Json.Nodes;
using Scrm.Workflows.Activities;
using Scrm.Platform.Text;
using Scrm.Workflows.Expressions;
using ActivityContext = Scrm.Workflows.Activities.ActivityContext;

namespace Scrm.Workflows.Runtime;

/// <summary>
/// Runs a burst: takes queued work in order, runs each activity, follows its outcomes along the
/// connections, and leaves the instance running (burst limit), suspended, finished or faulted.
/// Pure over the instance state apart from the activities' own effects.
/// </summary>
internal static class WorkflowExecutor
{
    private static readonly UserText Faulted = new("活动 '{0}'（{1}）出错：{2}", "Activity '{0}' ({1}) faulted: {2}");

    public static InstanceState NewInstance(CompiledWorkflow workflow, string id, JsonNode? input, string? correlationId, string? parentId, long now)
    {
        var state = new InstanceState
        {
            Id = id,
            DefinitionId = workflow.Id,
            Version = workflow.Version,
            Status = WorkflowStatus.Running,
            CorrelationId = correlationId,
            ParentInstanceId = parentId,
            Input = input,
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var variable in workflow.Definition.Variables)
        {
            state.Variables[variable.Name] = variable.Value?.DeepClone();
        }

        return state;
    }

    /// <summary>Queues the start: the given trigger, else the first trigger, else every root activity.</summary>
    public static void Schedule(InstanceState state, CompiledWorkflow workflow, CompiledNode? trigger)
    {
        if ((trigger ?? (workflow.Triggers.Count > 0 ? workflow.Triggers[0] : null)) is { } start)
        {
            state.Queue.Add(new WorkItem(start.Id));
            return;
        }

        foreach (var root in workflow.Roots)
        {
            state.Queue.Add(new WorkItem(root.Id));
        }
    }

    public static async ValueTask RunAsync(Burst burst, int? limit = null)
    {
        var state = burst.State;
        var max = limit ?? burst.MaxActivities;
        burst.Yielded = false;
        var executed = 0;
        while (state.Queue.Count > 0 && state.Status == WorkflowStatus.Running)
        {
            if (executed++ >= max)
            {
                burst.Yielded = true;
                break;
            }

            var item = state.Queue[0];
            state.Queue.RemoveAt(0);
            if (!burst.Workflow.Nodes.TryGetValue(item.ActivityId, out var node))
            {
                continue;
            }

            var iteration = state.Executions[node.Id] = state.Executions.GetValueOrDefault(node.Id) + 1;
            burst.Count(node.Id, entered: 1);
            await ExecuteAsync(burst, node, item, iteration, resumed: null);
        }

        Settle(burst);
    }

    /// <summary>Resumes the activity that owns <paramref name="bookmark"/>, then runs on.</summary>
    public static async ValueTask ResumeAsync(Burst burst, BookmarkState bookmark, JsonNode? payload)
    {
        var state = burst.State;
        foreach (var sibling in state.Bookmarks.Where(b => b.ActivityId == bookmark.ActivityId && b.Iteration == bookmark.Iteration && b.Scope == bookmark.Scope).ToList())
        {
            RemoveBookmark(burst, sibling);
        }

        state.Status = WorkflowStatus.Running;
        if (burst.Workflow.Nodes.TryGetValue(bookmark.ActivityId, out var node))
        {
            burst.Count(node.Id, waiting: -1);
            var item = new WorkItem(bookmark.ActivityId, bookmark.Scope);
            await ExecuteAsync(burst, node, item, bookmark.Iteration, new ResumedBookmark(bookmark.Name, bookmark.Tag, payload));
        }

        await RunAsync(burst);
    }

    /// <summary>Runs the faulted activity again (after its cause was fixed), then runs on.</summary>
    public static async ValueTask RetryAsync(Burst burst)
    {
        var state = burst.State;
        if (state.FaultedItem is { } item)
        {
            state.Queue.Insert(0, item);
            state.FaultedItem = null;
        }

        state.Status = WorkflowStatus.Running;
        await RunAsync(burst);
    }

    /// <summary>Queues <paramref name="activityId"/> to run again as its <paramref name="iteration"/>th execution (same key), then runs on.</summary>
    public static async ValueTask ReplayStepAsync(Burst burst, string activityId, int iteration)
    {
        var state = burst.State;
        state.Queue.Clear();
        state.FaultedItem = null;
        state.FinishedAt = null;
        state.Executions[activityId] = iteration - 1;
        state.Queue.Add(new WorkItem(activityId));
        state.Status = WorkflowStatus.Running;
        await RunAsync(burst);
    }

    public static void Cancel(Burst burst)
    {
        foreach (var bookmark in burst.State.Bookmarks.ToList())
        {
            RemoveBookmark(burst, bookmark);
            burst.Count(bookmark.ActivityId, waiting: -1);
        }

        burst.State.Queue.Clear();
        burst.State.Status = WorkflowStatus.Cancelled;
        burst.State.FinishedAt = burst.Time.GetUtcNow().ToUnixTimeMilliseconds();
        NotifyParent(burst);
    }

    private static async ValueTask ExecuteAsync(Burst burst, CompiledNode node, WorkItem item, int iteration, ResumedBookmark? resumed)
    {
        var context = new ActivityContext(burst, node, item, iteration, resumed);
        burst.RanSideEffect |= node.Descriptor.Is(ActivityKinds.SideEffect);
        var startedAt = burst.Time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        UserText? error = null;
        try
        {
            var running = resumed is null ? node.Activity.ExecuteAsync(context) : node.Activity.ResumeAsync(context);
            if (!running.IsCompleted)
            {
                // The activity waits on I/O (a side effect, another module): its script engine goes
                // back to the pool meanwhile, so thousands of waiting bursts do not each hold one.
                burst.Scripts.Release();
            }

            await running;
        }
        catch (ExpressionException ex)
        {
            error = ex.Text;
        }
        catch (ActivityInputException ex)
        {
            error = ex.Text;
        }
        catch (OperationCanceledException) when (burst.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var technical = $"{ex.GetType().Name}: {ex.Message}";
            error = UserText.Plain(technical, technical);
        }

        var duration = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Apply(burst, node, item, iteration, context, error, startedAt, duration);
    }

    private static void Apply(Burst burst, CompiledNode node, WorkItem item, int iteration, ActivityContext context, UserText? error, DateTimeOffset startedAt, double duration)
    {
        var state = burst.State;
        var type = node.Descriptor.Type;
        if (error is not null)
        {
            burst.Log.Add(new ActivityLogRecord(node.Id, type, iteration, LogStatus.Faulted, null, context.RecordedInputs, context.RecordedOutputs, startedAt, duration, error.In(Languages.English)));
            burst.Count(node.Id, faulted: 1);
            state.Incidents.Add(new Incident(node.Id, type, Faulted.In(Languages.English, node.Id, type, error), burst.Time.GetUtcNow())
            {
                Chinese = Faulted.In(Languages.Chinese, node.Id, type, error),
            });
            state.Status = WorkflowStatus.Faulted;
            state.FaultedItem = item;
            return;
        }

        if (context.CompletedOutcomes is { } outcomes)
        {
            var outcome = context.FollowAll ? "*" : string.Join(",", outcomes);
            burst.Log.Add(new ActivityLogRecord(node.Id, type, iteration, context.Resumed is null ? LogStatus.Completed : LogStatus.Resumed, outcome, context.RecordedInputs, context.RecordedOutputs, startedAt, duration));
            burst.Count(node.Id, completed: 1);
            if (context.RecordedOutputs is { } outputs)
            {
                state.Outputs[node.Id] = (JsonObject)outputs.DeepClone();
                state.OutputsVersion++;
            }

            if (context.FinishesInstance)
            {
                foreach (var bookmark in state.Bookmarks.ToList())
                {
                    RemoveBookmark(burst, bookmark);
                }

                state.Queue.Clear();
                return;
            }

            var scope = context.NextScope ?? item.Scope;
            if (context.CancelsSiblingBranches)
            {
                CancelScope(burst, item.Scope);
            }

            if (context.FollowAll)
            {
                foreach (var next in node.AllNext)
                {
                    state.Queue.Add(new WorkItem(next.Id, scope, node.Id));
                }

                return;
            }

            foreach (var name in outcomes)
            {
                if (node.Next.TryGetValue(name, out var targets))
                {
                    foreach (var next in targets)
                    {
                        state.Queue.Add(new WorkItem(next.Id, scope, node.Id));
                    }
                }
            }

            return;
        }

        if (context.Bookmarks is { } requests)
        {
            burst.Log.Add(new ActivityLogRecord(node.Id, type, iteration, LogStatus.Waiting, null, context.RecordedInputs, context.RecordedOutputs, startedAt, duration));
            burst.Count(node.Id, waiting: 1);
            var now = burst.Time.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < requests.Count; i++)
            {
                var request = requests[i];
                var id = $"{state.Id}:{node.Id}:{iteration}:{i}";
                var key = request.DueAt is null ? request.Key : id;
                var bookmark = new BookmarkState(id, request.Name, key, StimulusHash.Of(request.Name, key), node.Id, item.Scope, iteration, request.Tag,
                    request.DueAt?.ToUnixTimeMilliseconds(), now);
                state.Bookmarks.Add(bookmark);
                burst.AddedBookmarks.Add(bookmark);
            }

            return;
        }

        burst.Log.Add(new ActivityLogRecord(node.Id, type, iteration, LogStatus.Arrived, null, context.RecordedInputs, context.RecordedOutputs, startedAt, duration));
    }

    private static void CancelScope(Burst burst, string scope)
    {
        var state = burst.State;
        state.Queue.RemoveAll(w => InScope(w.Scope, scope));
        foreach (var bookmark in state.Bookmarks.Where(b => InScope(b.Scope, scope)).ToList())
        {
            RemoveBookmark(burst, bookmark);
            burst.Count(bookmark.ActivityId, waiting: -1);
        }

        foreach (var key in state.NodeState.Keys.Where(k => k.EndsWith("@" + scope, StringComparison.Ordinal)).ToList())
        {
            state.NodeState.Remove(key);
        }
    }

    private static bool InScope(string candidate, string scope) =>
        candidate == scope || candidate.StartsWith(scope + "/", StringComparison.Ordinal);

    private static void RemoveBookmark(Burst burst, BookmarkState bookmark)
    {
        burst.State.Bookmarks.Remove(bookmark);
        if (burst.AddedBookmarks.Remove(bookmark))
        {
            return;
        }

        burst.RemovedBookmarks.Add(bookmark.Id);
    }

    private static void Settle(Burst burst)
    {
        var state = burst.State;
        state.UpdatedAt = burst.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (state.Status != WorkflowStatus.Running)
        {
            return;
        }

        if (state.Queue.Count > 0)
        {
            return;
        }

        if (state.Bookmarks.Count > 0)
        {
            state.Status = WorkflowStatus.Suspended;
            return;
        }

        state.Status = WorkflowStatus.Finished;
        state.FinishedAt = state.UpdatedAt;
        NotifyParent(burst);
    }

    private static void NotifyParent(Burst burst)
    {
        var state = burst.State;
        if (state.ParentInstanceId is null)
        {
            return;
        }

        var vars = new JsonObject();
        foreach (var (name, value) in state.Variables)
        {
            vars[name] = value?.DeepClone();
        }

        burst.Outbox.Add(new OutboxStimulus(SubWorkflowStimulus.Name, state.Id, new JsonObject
        {
            ["instanceId"] = state.Id,
            ["status"] = state.Status.ToWire(),
            ["variables"] = vars,
        }));
    }
}

/// <summary>The stimulus a finished child instance sends its waiting parent.</summary>
internal static class SubWorkflowStimulus
{
    public const string Name = "workflow.completed";
}
