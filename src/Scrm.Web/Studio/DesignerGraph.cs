using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;

namespace Scrm.Web.Studio;

/// <summary>How an input is written in the property panel: a text, any other JSON literal, a script, a variable or a template.</summary>
public enum InputMode { Text, Json, Js, Var, Template }

/// <summary>One input of a node as the property panel edits it.</summary>
public sealed class DesignerInput
{
    public required string Name { get; init; }

    public InputMode Mode { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>A trigger or activity on the canvas.</summary>
public sealed class DesignerNode
{
    public required string Id { get; set; }

    public required string Type { get; init; }

    public bool IsTrigger { get; init; }

    public double X { get; set; }

    public double Y { get; set; }

    /// <summary>Whether the definition placed the node (else the designer did, and writes the place only once it is moved).</summary>
    public bool Placed { get; set; }

    /// <summary>The definition's display block as loaded: keys the designer does not know are kept.</summary>
    public JsonObject? Display { get; set; }

    public List<DesignerInput> Inputs { get; } = [];

    public string? Label => Display?["label"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>An edge: when <see cref="Source"/> ends with <see cref="Outcome"/>, <see cref="Target"/> runs.</summary>
internal sealed record DesignerLink(string Source, string Outcome, string Target);

/// <summary>
/// A definition as the designer holds it: nodes with positions and editable inputs, links by
/// outcome; and the definition it saves. Everything else (variables, options, description) is kept
/// as loaded, so opening and saving a definition without changes gives the same JSON.
/// </summary>
internal sealed class DesignerGraph
{
    private const double AutoColumn = 200;
    private const double AutoRow = 120;

    public required WorkflowDefinition Source { get; init; }

    public string Name { get; set; } = "";

    public List<DesignerNode> Nodes { get; } = [];

    public List<DesignerLink> Links { get; } = [];

    public static DesignerGraph From(WorkflowDefinition definition)
    {
        var graph = new DesignerGraph { Source = definition, Name = definition.Name };
        var unplaced = 0;
        foreach (var (node, trigger) in definition.Triggers.Select(t => (t, true)).Concat(definition.Activities.Select(a => (a, false))))
        {
            var x = Number(node.Display?["x"]);
            var y = Number(node.Display?["y"]);
            var n = new DesignerNode
            {
                Id = node.Id,
                Type = node.Type,
                IsTrigger = trigger,
                Display = node.Display?.DeepClone().AsObject(),
                Placed = x is not null && y is not null,
            };
            if (n.Placed)
            {
                (n.X, n.Y) = (x!.Value, y!.Value);
            }
            else
            {
                // Not placed by the definition: a grid below the placed ones, until the marketer moves it.
                (n.X, n.Y) = (40 + (unplaced % 5 * AutoColumn), 600 + (unplaced / 5 * AutoRow));
                unplaced++;
            }

            n.Inputs.AddRange(node.Inputs.Select(i => Edit(i.Key, i.Value)));
            graph.Nodes.Add(n);
        }

        graph.Links.AddRange(definition.Connections.Select(c => new DesignerLink(c.Source, c.Outcome, c.Target)));
        return graph;
    }

    /// <summary>An input value as the panel shows it.</summary>
    public static DesignerInput Edit(string name, InputValue value) => value.Kind switch
    {
        InputKind.JavaScript => new DesignerInput { Name = name, Mode = InputMode.Js, Text = value.Text ?? "" },
        InputKind.Variable => new DesignerInput { Name = name, Mode = InputMode.Var, Text = value.Text ?? "" },
        InputKind.Template => new DesignerInput { Name = name, Mode = InputMode.Template, Text = value.Text ?? "" },
        _ when value.Literal is JsonValue v && v.GetValueKind() == JsonValueKind.String => new DesignerInput { Name = name, Mode = InputMode.Text, Text = v.GetValue<string>() },
        _ => new DesignerInput { Name = name, Mode = InputMode.Json, Text = value.Literal?.ToJsonString() ?? "null" },
    };

    /// <summary>The panel's text as an input value, or why it is not one (a JSON literal that does not parse).</summary>
    public static (InputValue? Value, string? Error) Value(DesignerInput input)
    {
        switch (input.Mode)
        {
            case InputMode.Js:
                return (InputValue.Js(input.Text), null);
            case InputMode.Var:
                return (InputValue.Variable(input.Text), null);
            case InputMode.Template:
                return (InputValue.Template(input.Text), null);
            case InputMode.Text:
                return (InputValue.Of(JsonValue.Create(input.Text)), null);
            default:
                try
                {
                    return (InputValue.Of(JsonNode.Parse(input.Text)), null);
                }
                catch (JsonException ex)
                {
                    return (null, ex.Message);
                }
        }
    }

    /// <summary>The definition the canvas shows; inputs whose JSON does not parse are left out and listed in <paramref name="problems"/>.</summary>
    public WorkflowDefinition ToDefinition(List<(string NodeId, string Input, string Error)>? problems = null)
    {
        ActivityDefinition Node(DesignerNode n)
        {
            var inputs = new Dictionary<string, InputValue>(StringComparer.Ordinal);
            foreach (var input in n.Inputs)
            {
                var (value, error) = Value(input);
                if (value is not null)
                {
                    inputs[input.Name] = value;
                }
                else
                {
                    problems?.Add((n.Id, input.Name, error!));
                }
            }

            return new ActivityDefinition { Id = n.Id, Type = n.Type, Inputs = inputs, Display = DisplayOf(n) };
        }

        return Source with
        {
            Name = Name,
            Triggers = [.. Nodes.Where(n => n.IsTrigger).Select(Node)],
            Activities = [.. Nodes.Where(n => !n.IsTrigger).Select(Node)],
            Connections = [.. Links.Select(l => new Connection(l.Source, l.Target, l.Outcome))],
        };
    }

    /// <summary>The loaded display block with the node's place written only where it changed (or was first set).</summary>
    private static JsonObject? DisplayOf(DesignerNode n)
    {
        var display = n.Display?.DeepClone().AsObject();
        if (!n.Placed)
        {
            return display;
        }

        display ??= [];
        if (Number(display["x"]) != n.X)
        {
            display["x"] = Coordinate(n.X);
        }

        if (Number(display["y"]) != n.Y)
        {
            display["y"] = Coordinate(n.Y);
        }

        return display;
    }

    /// <summary>Moves a node; from then on its place is part of the definition.</summary>
    public static void Move(DesignerNode node, double x, double y)
    {
        (node.X, node.Y, node.Placed) = (Math.Round(x), Math.Round(y), true);
    }

    /// <summary>A new node of a registered type at a place, with an id not yet used.</summary>
    public DesignerNode Add(ActivityDescriptor descriptor, double x, double y)
    {
        var id = descriptor.Type;
        for (var i = 2; Nodes.Any(n => n.Id == id); i++)
        {
            id = descriptor.Type + "-" + i.ToString(CultureInfo.InvariantCulture);
        }

        var node = new DesignerNode { Id = id, Type = descriptor.Type, IsTrigger = descriptor.Is(ActivityKinds.Trigger), Placed = true };
        Move(node, x, y);
        node.Inputs.AddRange(descriptor.Inputs.Select(i => new DesignerInput { Name = i.Name, Mode = i.ValueType == typeof(string) ? InputMode.Text : InputMode.Json, Text = i.ValueType == typeof(string) ? "" : "null" }));
        Nodes.Add(node);
        return node;
    }

    /// <summary>Removes a node and every link to or from it.</summary>
    public void Remove(DesignerNode node)
    {
        Nodes.Remove(node);
        Links.RemoveAll(l => l.Source == node.Id || l.Target == node.Id);
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static JsonValue Coordinate(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e9 ? JsonValue.Create((long)value) : JsonValue.Create(value);
}
