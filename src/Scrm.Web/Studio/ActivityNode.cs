using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Scrm.Workflows.Activities;

namespace Scrm.Web.Studio;

/// <summary>A node of the canvas: the designer's node, its type's descriptor, one input port and one port per outcome.</summary>
public sealed class ActivityNode : NodeModel
{
    public ActivityNode(DesignerNode node, ActivityDescriptor? descriptor, IEnumerable<string> outcomes) : base(node.Id, new Point(node.X, node.Y))
    {
        Node = node;
        Descriptor = descriptor;
        Title = node.Label ?? node.Type;
        if (!node.IsTrigger)
        {
            In = AddPort(new PortModel(node.Id + ":in", this, PortAlignment.Left));
        }

        foreach (var outcome in outcomes.Distinct(StringComparer.Ordinal))
        {
            Outcomes.Add((OutcomePort)AddPort(new OutcomePort(node.Id, outcome, this)));
        }
    }

    public DesignerNode Node { get; }

    public ActivityDescriptor? Descriptor { get; }

    public PortModel? In { get; }

    public List<OutcomePort> Outcomes { get; } = [];

    /// <summary>The node's type in the reader's language (its title on the canvas).</summary>
    public string Caption { get; set; } = "";

    /// <summary>Whether the last dry run passed through this node.</summary>
    public bool Ran { get; set; }

    /// <summary>The engine's validation messages for this node.</summary>
    public List<string> Errors { get; } = [];
}

/// <summary>A port a connection leaves from: the node ends with this outcome.</summary>
public sealed class OutcomePort(string nodeId, string outcome, NodeModel parent) : PortModel(nodeId + ":out:" + outcome, parent, PortAlignment.Right)
{
    public string Outcome { get; } = outcome;
}
