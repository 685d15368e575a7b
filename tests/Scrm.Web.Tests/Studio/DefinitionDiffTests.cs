using Scrm.Testing;
using Scrm.Web.Studio;
using Scrm.Workflows.Definitions;

namespace Scrm.Web.Tests.Studio;

/// <summary>The version diff names each moved node, changed input, link and variable, and nothing for an unchanged definition.</summary>
public sealed class DefinitionDiffTests
{
    private static WorkflowDefinition Shipped(string file) =>
        DefinitionJson.Deserialize(File.ReadAllText(Path.Combine(Repo.Root, "workflows", "definitions", file)));

    [Fact]
    public void A_definition_against_itself_has_no_difference_and_each_kind_of_change_is_named_at_its_path()
    {
        var before = Shipped("lead-conversion.json");
        DefinitionDiff.Of(before, before).ShouldBeEmpty();

        var graph = DesignerGraph.From(before);
        DesignerGraph.Move(graph.Nodes.Single(n => n.Id == "route"), 700, 300);
        graph.Nodes.Single(n => n.Id == "waitContact").Inputs.Single(i => i.Name == "event").Text = "lead.first-contact";
        graph.Links.RemoveAll(l => l.Source == "route" && l.Outcome == "pooled");
        graph.Remove(graph.Nodes.Single(n => n.Id == "escalate"));
        var after = graph.ToDefinition();

        var diff = DefinitionDiff.Of(before, after);
        diff.ShouldContain(new DiffEntry(DefinitionDiff.Moved, "nodes.route", "640,130", "700,300"));
        diff.ShouldContain(new DiffEntry(DefinitionDiff.Changed, "nodes.waitContact.inputs.event", "\"lead.contacted\"", "\"lead.first-contact\""));
        diff.ShouldContain(new DiffEntry(DefinitionDiff.Removed, "nodes.escalate", "lead.escalate", null));
        diff.ShouldContain(new DiffEntry(DefinitionDiff.Removed, "connections.route:pooled→end", "route:pooled→end", null));
        diff.Where(d => d.Path.StartsWith("connections.", StringComparison.Ordinal)).ShouldAllBe(d => d.Kind == DefinitionDiff.Removed);
    }
}
