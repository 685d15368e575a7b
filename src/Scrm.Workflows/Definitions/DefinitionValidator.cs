using System.Text.RegularExpressions;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Expressions;

namespace Scrm.Workflows.Definitions;

/// <summary>One thing wrong with a definition, naming the activity when there is one.</summary>
public sealed record DefinitionError(string? ActivityId, string Code, string Message);

/// <summary>
/// Checks a definition before it is saved: shape and limits, activity types and inputs,
/// connections, reachability and busy cycles. Pure apart from parsing scripts.
/// </summary>
public sealed partial class DefinitionValidator(ActivityRegistry registry, ScriptEngine scripts)
{
    /// <summary>Shortest history a definition may ask for: an hour leaves time to look at a run that just ended.</summary>
    private static readonly TimeSpan MinHistory = TimeSpan.FromHours(1);

    public IReadOnlyList<DefinitionError> Validate(WorkflowDefinition definition, int maxActivities)
    {
        var errors = new List<DefinitionError>();
        if (!IdPattern().IsMatch(definition.Id ?? ""))
        {
            errors.Add(new(null, "invalid-id", "The workflow id must be 1-100 characters: lower-case letters, digits, '-', '_' or '.'."));
        }

        if (string.IsNullOrWhiteSpace(definition.Name) || definition.Name.Length > 200)
        {
            errors.Add(new(null, "invalid-name", "The workflow needs a name of at most 200 characters."));
        }
        else if (TextRule.Problem(definition.Name) is { } nameProblem)
        {
            errors.Add(new(null, "invalid-name", $"The workflow's name {nameProblem}."));
        }

        if (definition.Description is { } description && TextRule.Problem(description) is { } descriptionProblem)
        {
            errors.Add(new(null, "invalid-description", $"The workflow's description {descriptionProblem}."));
        }

        if (definition.Options.History is { } history)
        {
            foreach (var (status, kept) in new[] { ("finished", history.Finished), ("cancelled", history.Cancelled), ("faulted", history.Faulted) })
            {
                if (kept is { } span && span < MinHistory)
                {
                    errors.Add(new(null, "invalid-history", $"History of {status} instances must be kept at least {MinHistory.TotalHours:N0} hour; '{span}' is shorter."));
                }
            }
        }

        var nodes = definition.Nodes.ToList();
        if (nodes.Count > maxActivities)
        {
            errors.Add(new(null, "too-many-activities", $"The workflow has {nodes.Count:N0} triggers and activities; at most {maxActivities:N0} are allowed."));
            return errors;
        }

        if (definition.Connections.Count > maxActivities * 4)
        {
            errors.Add(new(null, "too-many-connections", $"The workflow has {definition.Connections.Count:N0} connections; at most {maxActivities * 4:N0} are allowed."));
            return errors;
        }

        var byId = new Dictionary<string, (ActivityDefinition Node, ActivityDescriptor? Descriptor)>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!NodeIdPattern().IsMatch(node.Id ?? ""))
            {
                errors.Add(new(node.Id, "invalid-activity-id", $"Activity id '{node.Id}' must be 1-100 letters, digits, '-', '_' or '.'."));
                continue;
            }

            if (byId.ContainsKey(node.Id!))
            {
                errors.Add(new(node.Id, "duplicate-activity-id", $"Activity id '{node.Id}' is used more than once."));
                continue;
            }

            var descriptor = registry.Find(node.Type);
            byId[node.Id!] = (node, descriptor);
            if (descriptor is null)
            {
                errors.Add(new(node.Id, "unknown-activity-type", $"Activity '{node.Id}' has the unknown type '{node.Type}'."));
                continue;
            }

            var isTrigger = definition.Triggers.Contains(node);
            if (isTrigger != descriptor.Is(ActivityKinds.Trigger))
            {
                errors.Add(new(node.Id, isTrigger ? "not-a-trigger" : "trigger-among-activities", isTrigger
                    ? $"'{node.Id}' is listed as a trigger but '{node.Type}' is not a trigger type."
                    : $"'{node.Id}' has the trigger type '{node.Type}'; list it under triggers."));
            }

            CheckInputs(node, descriptor, errors);
        }

        var variableNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in definition.Variables)
        {
            if (!VariablePattern().IsMatch(variable.Name ?? "") || !variableNames.Add(variable.Name!))
            {
                errors.Add(new(null, "invalid-variable", $"Variable '{variable.Name}' must be a unique JavaScript identifier."));
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
            errors.Add(new(node.Id, "missing-input", $"Activity '{node.Id}' ({node.Type}) needs the input '{input.Name}'."));
        }

        foreach (var (name, value) in node.Inputs)
        {
            if (!descriptor.Inputs.Any(i => i.Name == name))
            {
                errors.Add(new(node.Id, "unknown-input", $"Activity '{node.Id}' ({node.Type}) has no input '{name}'; it takes: {string.Join(", ", descriptor.Inputs.Select(i => i.Name))}."));
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
                    errors.Add(new(node.Id, "invalid-expression", $"Activity '{node.Id}' input '{name}': {ex.Message}"));
                }
            }
            else if (value.Kind == InputKind.Variable && string.IsNullOrEmpty(value.Text))
            {
                errors.Add(new(node.Id, "invalid-variable-reference", $"Activity '{node.Id}' input '{name}' names no variable."));
            }
        }

        foreach (var problem in registry.Prototype(descriptor).Validate(node))
        {
            errors.Add(new(node.Id, "invalid-input", $"Activity '{node.Id}' ({node.Type}): {problem}"));
        }
    }

    private void CheckConnections(WorkflowDefinition definition, Dictionary<string, (ActivityDefinition Node, ActivityDescriptor? Descriptor)> byId, List<DefinitionError> errors)
    {
        foreach (var connection in definition.Connections)
        {
            if (!byId.TryGetValue(connection.Source ?? "", out var source))
            {
                errors.Add(new(connection.Source, "dangling-connection", $"A connection starts at '{connection.Source}', which is not an activity of this workflow."));
                continue;
            }

            if (!byId.TryGetValue(connection.Target ?? "", out var target))
            {
                errors.Add(new(connection.Source, "dangling-connection", $"A connection from '{connection.Source}' leads to '{connection.Target}', which is not an activity of this workflow."));
                continue;
            }

            if (target.Descriptor?.Is(ActivityKinds.Trigger) == true)
            {
                errors.Add(new(connection.Target, "connection-into-trigger", $"A connection from '{connection.Source}' leads into the trigger '{connection.Target}'."));
            }

            if (source.Descriptor is { } descriptor && !descriptor.Is(ActivityKinds.FollowsAll))
            {
                var outcomes = descriptor.Outcomes.Concat(registry.Prototype(descriptor).DynamicOutcomes(source.Node));
                if (!outcomes.Contains(connection.Outcome))
                {
                    errors.Add(new(connection.Source, "unknown-outcome", $"Activity '{connection.Source}' ({descriptor.Type}) has no outcome '{connection.Outcome}'; it has: {string.Join(", ", outcomes)}."));
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
            errors.Add(new(null, "no-start", "The workflow has no trigger and every activity has an inbound connection, so nothing can start it."));
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
            errors.Add(new(activity.Id, "unreachable-activity", $"Activity '{activity.Id}' cannot be reached from any trigger or start."));
        }

        foreach (var cycle in StronglyConnected(next))
        {
            var isCycle = cycle.Count > 1 || next[cycle[0]].Contains(cycle[0]);
            if (isCycle && !cycle.Any(id => byId[id].Descriptor!.Is(ActivityKinds.Wait) || byId[id].Descriptor!.Is(ActivityKinds.Loop)))
            {
                var ordered = cycle.OrderBy(id => id, StringComparer.Ordinal).ToList();
                errors.Add(new(ordered[0], "cycle-without-wait",
                    $"Activities {string.Join(" → ", ordered.Select(id => $"'{id}'"))} form a loop with no wait or for-each in it, which would run forever."));
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
}
