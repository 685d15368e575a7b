using System.Collections.Concurrent;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Expressions;

namespace Scrm.Workflows.Runtime;

/// <summary>A definition version ready to run: nodes with bound activities and their outbound edges by outcome.</summary>
internal sealed class CompiledWorkflow
{
    public required WorkflowDefinition Definition { get; init; }

    public required IReadOnlyDictionary<string, CompiledNode> Nodes { get; init; }

    public required IReadOnlyList<CompiledNode> Triggers { get; init; }

    /// <summary>Where a run without a trigger starts: nodes no connection leads to.</summary>
    public required IReadOnlyList<CompiledNode> Roots { get; init; }

    public string Id => Definition.Id;

    public int Version => Definition.Version;
}

internal sealed class CompiledNode
{
    public required string Id { get; init; }

    public required ActivityDescriptor Descriptor { get; init; }

    public required Activity Activity { get; init; }

    public Dictionary<string, CompiledNode[]> Next { get; } = new(StringComparer.Ordinal);

    public CompiledNode[] AllNext { get; set; } = [];

    public string[] InboundSources { get; set; } = [];
}

/// <summary>Binds definitions to activity objects and prepared scripts; compiled versions are cached.</summary>
internal sealed class WorkflowCompiler(ActivityRegistry registry, ScriptEngine scripts)
{
    private readonly ConcurrentDictionary<(string, int), CompiledWorkflow> _cache = new();

    public CompiledWorkflow GetOrCompile(WorkflowDefinition definition, bool cache = true) =>
        cache ? _cache.GetOrAdd((definition.Id, definition.Version), _ => Compile(definition)) : Compile(definition);

    public bool TryGet(string id, int version, out CompiledWorkflow workflow) => _cache.TryGetValue((id, version), out workflow!);

    private CompiledWorkflow Compile(WorkflowDefinition definition)
    {
        var nodes = new Dictionary<string, CompiledNode>(StringComparer.Ordinal);
        foreach (var node in definition.Nodes)
        {
            var descriptor = registry.Find(node.Type) ?? throw new InvalidOperationException($"Activity '{node.Id}' has the unknown type '{node.Type}'.");
            var activity = registry.Create(descriptor);
            foreach (var input in descriptor.Inputs)
            {
                var slot = (IInputSlot?)input.Property.GetValue(activity);
                if (slot is null)
                {
                    slot = (IInputSlot)Activator.CreateInstance(input.Property.PropertyType)!;
                    input.Property.SetValue(activity, slot);
                }

                if (node.Inputs.TryGetValue(input.Name, out var value))
                {
                    slot.Binding = Bind(input.Name, value);
                }
            }

            nodes[node.Id] = new CompiledNode { Id = node.Id, Descriptor = descriptor, Activity = activity };
        }

        foreach (var group in definition.Connections.GroupBy(c => (c.Source, c.Outcome)))
        {
            nodes[group.Key.Source].Next[group.Key.Outcome] = group.Select(c => nodes[c.Target]).ToArray();
        }

        foreach (var node in nodes.Values)
        {
            node.AllNext = node.Next.Values.SelectMany(n => n).Distinct().ToArray();
            node.InboundSources = definition.Connections.Where(c => c.Target == node.Id).Select(c => c.Source).Distinct().ToArray();
        }

        return new CompiledWorkflow
        {
            Definition = definition,
            Nodes = nodes,
            Triggers = definition.Triggers.Select(t => nodes[t.Id]).ToArray(),
            Roots = definition.Activities.Where(a => nodes[a.Id].InboundSources.Length == 0).Select(a => nodes[a.Id]).ToArray(),
        };
    }

    private InputBinding Bind(string name, InputValue value) => value.Kind switch
    {
        InputKind.Literal => new InputBinding { Name = name, Kind = InputKind.Literal, Literal = value.Literal },
        InputKind.Variable => new InputBinding { Name = name, Kind = InputKind.Variable, Variable = value.Text },
        InputKind.Template => new InputBinding { Name = name, Kind = InputKind.Template, Script = scripts.Prepare(ScriptEngine.TemplateSource(value.Text!)) },
        _ => new InputBinding { Name = name, Kind = InputKind.JavaScript, Script = scripts.Prepare(value.Text!) },
    };
}
