using System.Text.RegularExpressions;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Expressions;

namespace Scrm.Workflows.Definitions;

/// <summary>One thing wrong with a definition, naming the activity when there is one.</summary>
/// <remarks>
/// <see cref="Message"/> is English (logs and tools read it); <see cref="Chinese"/> is what a person
/// reads by default, chosen per request with <see cref="In"/>.
/// </remarks>
internal sealed record DefinitionError(string? ActivityId, string Code, string Message)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Chinese { get; init; }

    public static DefinitionError Of(string? activityId, string code, UserText text, params object?[] args) =>
        new(activityId, code, text.In(Languages.English, args)) { Chinese = text.In(Languages.Chinese, args) };

    /// <summary>This error with its message in <paramref name="language"/>.</summary>
    public DefinitionError In(string language) =>
        language == Languages.English || Chinese is null ? this : this with { Message = Chinese, Chinese = null };
}

/// <summary>
/// Checks a definition before it is saved: shape and limits, activity types and inputs,
/// connections, reachability and busy cycles. Pure apart from parsing scripts.
/// </summary>
internal sealed partial class DefinitionValidator(ActivityRegistry registry, ScriptEngine scripts)
{
    /// <summary>Shortest history a definition may ask for: an hour leaves time to look at a run that just ended.</summary>
    private static readonly TimeSpan MinHistory = TimeSpan.FromHours(1);

    public IReadOnlyList<DefinitionError> Validate(WorkflowDefinition definition, int maxActivities)
    {
        var errors = new List<DefinitionError>();
        if (!IdPattern().IsMatch(definition.Id ?? ""))
        {
            errors.Add(DefinitionError.Of(null, "invalid-id", Texts.InvalidId));
        }

        if (string.IsNullOrWhiteSpace(definition.Name) || definition.Name.Length > 200)
        {
            errors.Add(DefinitionError.Of(null, "invalid-name", Texts.NameLength));
        }
        else if (TextRule.Problem(definition.Name) is { } nameProblem)
        {
            errors.Add(DefinitionError.Of(null, "invalid-name", Texts.NameText, nameProblem));
        }

        if (definition.Description is { } description && TextRule.Problem(description) is { } descriptionProblem)
        {
            errors.Add(DefinitionError.Of(null, "invalid-description", Texts.DescriptionText, descriptionProblem));
        }

        if (definition.Options.History is { } history)
        {
            foreach (var (status, kept) in new[] { ("finished", history.Finished), ("cancelled", history.Cancelled), ("faulted", history.Faulted) })
            {
                if (kept is { } span && span < MinHistory)
                {
                    errors.Add(DefinitionError.Of(null, "invalid-history", Texts.History, status, MinHistory.TotalHours, span));
                }
            }
        }

        var nodes = definition.Nodes.ToList();
        if (nodes.Count > maxActivities)
        {
            errors.Add(DefinitionError.Of(null, "too-many-activities", Texts.TooManyActivities, nodes.Count, maxActivities));
            return errors;
        }

        if (definition.Connections.Count > maxActivities * 4)
        {
            errors.Add(DefinitionError.Of(null, "too-many-connections", Texts.TooManyConnections, definition.Connections.Count, maxActivities * 4));
            return errors;
        }

        var byId = new Dictionary<string, (ActivityDefinition Node, ActivityDescriptor? Descriptor)>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!NodeIdPattern().IsMatch(node.Id ?? ""))
            {
                errors.Add(DefinitionError.Of(node.Id, "invalid-activity-id", Texts.ActivityId, node.Id));
                continue;
            }

            if (byId.ContainsKey(node.Id!))
            {
                errors.Add(DefinitionError.Of(node.Id, "duplicate-activity-id", Texts.DuplicateId, node.Id));
                continue;
            }

            var descriptor = registry.Find(node.Type);
            byId[node.Id!] = (node, descriptor);
            if (descriptor is null)
            {
                errors.Add(DefinitionError.Of(node.Id, "unknown-activity-type", Texts.UnknownType, node.Id, node.Type));
                continue;
            }

            var isTrigger = definition.Triggers.Contains(node);
            if (isTrigger != descriptor.Is(ActivityKinds.Trigger))
            {
                errors.Add(DefinitionError.Of(node.Id, isTrigger ? "not-a-trigger" : "trigger-among-activities", isTrigger ? Texts.NotATrigger : Texts.TriggerAmongActivities, node.Id, node.Type));
            }

            CheckInputs(node, descriptor, errors);
        }

        var variableNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in definition.Variables)
        {
            if (!VariablePattern().IsMatch(variable.Name ?? "") || !variableNames.Add(variable.Name!))
            {
                errors.Add(DefinitionError.Of(null, "invalid-variable", Texts.Variable, variable.Name));
            }
        }

        CheckConnections(definition, byId, errors);
        if (errors.Count == 0)
        {
            CheckGraph(definition, byId, errors);
        }

        return errors;
    }

    private void CheckInputs(ActivityDefinition node, ActivityDescriptor descriptor, List<DefinitionError> errors)
    {
        foreach (var input in descriptor.Inputs.Where(i => i.Required && !node.Inputs.ContainsKey(i.Name)))
        {
            errors.Add(DefinitionError.Of(node.Id, "missing-input", Texts.MissingInput, node.Id, node.Type, input.Name));
        }

        foreach (var (name, value) in node.Inputs)
        {
            if (!descriptor.Inputs.Any(i => i.Name == name))
            {
                errors.Add(DefinitionError.Of(node.Id, "unknown-input", Texts.UnknownInput, node.Id, node.Type, name, string.Join(", ", descriptor.Inputs.Select(i => i.Name))));
                continue;
            }

            if (value.Kind is InputKind.JavaScript or InputKind.Template)
            {
                try
                {
                    scripts.Prepare(value.Kind == InputKind.Template ? ScriptEngine.TemplateSource(value.Text!) : value.Text!);
                }
                catch (ExpressionException ex)
                {
                    errors.Add(DefinitionError.Of(node.Id, "invalid-expression", Texts.Expression, node.Id, name, ex.Text));
                }
            }
            else if (value.Kind == InputKind.Variable && string.IsNullOrEmpty(value.Text))
            {
                errors.Add(DefinitionError.Of(node.Id, "invalid-variable-reference", Texts.NoVariable, node.Id, name));
            }
        }

        foreach (var problem in registry.Prototype(descriptor).Validate(node))
        {
            errors.Add(DefinitionError.Of(node.Id, "invalid-input", Texts.InvalidInput, node.Id, node.Type, problem));
        }
    }

    private void CheckConnections(WorkflowDefinition definition, Dictionary<string, (ActivityDefinition Node, ActivityDescriptor? Descriptor)> byId, List<DefinitionError> errors)
    {
        foreach (var connection in definition.Connections)
        {
            if (!byId.TryGetValue(connection.Source ?? "", out var source))
            {
                errors.Add(DefinitionError.Of(connection.Source, "dangling-connection", Texts.DanglingSource, connection.Source));
                continue;
            }

            if (!byId.TryGetValue(connection.Target ?? "", out var target))
            {
                errors.Add(DefinitionError.Of(connection.Source, "dangling-connection", Texts.DanglingTarget, connection.Source, connection.Target));
                continue;
            }

            if (target.Descriptor?.Is(ActivityKinds.Trigger) == true)
            {
                errors.Add(DefinitionError.Of(connection.Target, "connection-into-trigger", Texts.IntoTrigger, connection.Source, connection.Target));
            }

            if (source.Descriptor is { } descriptor && !descriptor.Is(ActivityKinds.FollowsAll))
            {
                var outcomes = descriptor.Outcomes.Concat(registry.Prototype(descriptor).DynamicOutcomes(source.Node));
                if (!outcomes.Contains(connection.Outcome))
                {
                    errors.Add(DefinitionError.Of(connection.Source, "unknown-outcome", Texts.UnknownOutcome, connection.Source, descriptor.Type, connection.Outcome, string.Join(", ", outcomes)));
                }
            }
        }
    }

    private static void CheckGraph(WorkflowDefinition definition, Dictionary<string, (ActivityDefinition Node, ActivityDescriptor? Descriptor)> byId, List<DefinitionError> errors)
    {
        var next = byId.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        var inbound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in definition.Connections)
        {
            next[c.Source].Add(c.Target);
            inbound.Add(c.Target);
        }

        var starts = definition.Triggers.Count > 0
            ? definition.Triggers.Select(t => t.Id).ToList()
            : definition.Activities.Where(a => !inbound.Contains(a.Id)).Select(a => a.Id).ToList();
        if (starts.Count == 0 && byId.Count > 0)
        {
            errors.Add(DefinitionError.Of(null, "no-start", Texts.NoStart));
            return;
        }

        var reached = new HashSet<string>(starts, StringComparer.Ordinal);
        var pending = new Stack<string>(starts);
        while (pending.TryPop(out var id))
        {
            foreach (var target in next[id].Where(reached.Add))
            {
                pending.Push(target);
            }
        }

        foreach (var activity in definition.Activities.Where(a => !reached.Contains(a.Id)))
        {
            errors.Add(DefinitionError.Of(activity.Id, "unreachable-activity", Texts.Unreachable, activity.Id));
        }

        foreach (var cycle in StronglyConnected(next))
        {
            var isCycle = cycle.Count > 1 || next[cycle[0]].Contains(cycle[0]);
            if (isCycle && !cycle.Any(id => byId[id].Descriptor!.Is(ActivityKinds.Wait) || byId[id].Descriptor!.Is(ActivityKinds.Loop)))
            {
                var ordered = cycle.OrderBy(id => id, StringComparer.Ordinal).ToList();
                errors.Add(DefinitionError.Of(ordered[0], "cycle-without-wait", Texts.Cycle, string.Join(" → ", ordered.Select(id => $"'{id}'"))));
            }
        }
    }

    /// <summary>Tarjan's strongly connected components, iteratively (no recursion depth to exhaust).</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, List<string>> next)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        var counter = 0;
        foreach (var root in next.Keys)
        {
            if (index.ContainsKey(root))
            {
                continue;
            }

            var work = new Stack<(string Node, int Edge)>();
            work.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack.Add(root);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                var edges = next[node];
                if (edge < edges.Count)
                {
                    work.Push((node, edge + 1));
                    var target = edges[edge];
                    if (!index.TryGetValue(target, out var targetIndex))
                    {
                        index[target] = low[target] = counter++;
                        stack.Push(target);
                        onStack.Add(target);
                        work.Push((target, 0));
                    }
                    else if (onStack.Contains(target))
                    {
                        low[node] = Math.Min(low[node], targetIndex);
                    }

                    continue;
                }

                if (work.TryPeek(out var parent))
                {
                    low[parent.Node] = Math.Min(low[parent.Node], low[node]);
                }

                if (low[node] == index[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);
                    result.Add(component);
                }
            }
        }

        return result;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NodeIdPattern();

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]{0,63}$")]
    private static partial Regex VariablePattern();

    /// <summary>What the validator says, Chinese first; English is what tools and logs read.</summary>
    private static class Texts
    {
        public static readonly UserText InvalidId = new("工作流 ID 必须为 1-100 个字符：小写字母、数字、'-'、'_' 或 '.'。", "The workflow id must be 1-100 characters: lower-case letters, digits, '-', '_' or '.'.");
        public static readonly UserText NameLength = new("工作流需要一个不超过 200 个字符的名称。", "The workflow needs a name of at most 200 characters.");
        public static readonly UserText NameText = new("工作流名称有问题：{0}。", "The workflow's name {0}.");
        public static readonly UserText DescriptionText = new("工作流说明有问题：{0}。", "The workflow's description {0}.");
        public static readonly UserText History = new("{0} 状态的实例历史至少保留 {1:N0} 小时；'{2}' 太短。", "History of {0} instances must be kept at least {1:N0} hour; '{2}' is shorter.");
        public static readonly UserText TooManyActivities = new("工作流有 {0:N0} 个触发器和活动；最多允许 {1:N0} 个。", "The workflow has {0:N0} triggers and activities; at most {1:N0} are allowed.");
        public static readonly UserText TooManyConnections = new("工作流有 {0:N0} 条连线；最多允许 {1:N0} 条。", "The workflow has {0:N0} connections; at most {1:N0} are allowed.");
        public static readonly UserText ActivityId = new("活动 ID '{0}' 必须为 1-100 个字母、数字、'-'、'_' 或 '.'。", "Activity id '{0}' must be 1-100 letters, digits, '-', '_' or '.'.");
        public static readonly UserText DuplicateId = new("活动 ID '{0}' 被使用了不止一次。", "Activity id '{0}' is used more than once.");
        public static readonly UserText UnknownType = new("活动 '{0}' 的类型 '{1}' 不存在。", "Activity '{0}' has the unknown type '{1}'.");
        public static readonly UserText NotATrigger = new("'{0}' 被列为触发器，但 '{1}' 不是触发器类型。", "'{0}' is listed as a trigger but '{1}' is not a trigger type.");
        public static readonly UserText TriggerAmongActivities = new("'{0}' 的类型 '{1}' 是触发器；请把它列在触发器中。", "'{0}' has the trigger type '{1}'; list it under triggers.");
        public static readonly UserText Variable = new("变量 '{0}' 必须是唯一的 JavaScript 标识符。", "Variable '{0}' must be a unique JavaScript identifier.");
        public static readonly UserText MissingInput = new("活动 '{0}'（{1}）缺少输入 '{2}'。", "Activity '{0}' ({1}) needs the input '{2}'.");
        public static readonly UserText UnknownInput = new("活动 '{0}'（{1}）没有输入 '{2}'；可用的输入：{3}。", "Activity '{0}' ({1}) has no input '{2}'; it takes: {3}.");
        public static readonly UserText Expression = new("活动 '{0}' 的输入 '{1}' 表达式有误：{2}", "Activity '{0}' input '{1}': {2}");
        public static readonly UserText NoVariable = new("活动 '{0}' 的输入 '{1}' 没有指定变量。", "Activity '{0}' input '{1}' names no variable.");
        public static readonly UserText InvalidInput = new("活动 '{0}'（{1}）的输入有误：{2}", "Activity '{0}' ({1}): {2}");
        public static readonly UserText DanglingSource = new("有一条连线从 '{0}' 出发，但它不是本工作流的活动。", "A connection starts at '{0}', which is not an activity of this workflow.");
        public static readonly UserText DanglingTarget = new("从 '{0}' 出发的连线指向 '{1}'，但它不是本工作流的活动。", "A connection from '{0}' leads to '{1}', which is not an activity of this workflow.");
        public static readonly UserText IntoTrigger = new("从 '{0}' 出发的连线指向了触发器 '{1}'。", "A connection from '{0}' leads into the trigger '{1}'.");
        public static readonly UserText UnknownOutcome = new("活动 '{0}'（{1}）没有结果 '{2}'；可用的结果：{3}。", "Activity '{0}' ({1}) has no outcome '{2}'; it has: {3}.");
        public static readonly UserText NoStart = new("工作流没有触发器，且每个活动都有连入的连线，因此无法启动。", "The workflow has no trigger and every activity has an inbound connection, so nothing can start it.");
        public static readonly UserText Unreachable = new("活动 '{0}' 无法从任何触发器或起点到达。", "Activity '{0}' cannot be reached from any trigger or start.");
        public static readonly UserText Cycle = new("活动 {0} 形成了一个没有等待或逐项循环的环，会无休止地运行。", "Activities {0} form a loop with no wait or for-each in it, which would run forever.");
    }
}
