using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Workflows.Definitions;

namespace Scrm.Web.Studio;

/// <summary>What changed from one version to another, for one node, input, link or setting.</summary>
/// <param name="Kind">added, removed, changed or moved.</param>
/// <param name="Path">Where: <c>nodes.route</c>, <c>nodes.route.inputs.leadId</c>, <c>connections.intent:true→create</c>, <c>name</c>, <c>variables.x</c>.</param>
public sealed record DiffEntry(string Kind, string Path, string? Before, string? After);

/// <summary>The difference between two versions of a definition, node by node (a pure function).</summary>
public static class DefinitionDiff
{
    public const string Added = "added";
    public const string Removed = "removed";
    public const string Changed = "changed";
    public const string Moved = "moved";

    public static IReadOnlyList<DiffEntry> Of(WorkflowDefinition before, WorkflowDefinition after)
    {
        var entries = new List<DiffEntry>();
        if (before.Name != after.Name)
        {
            entries.Add(new(Changed, "name", before.Name, after.Name));
        }

        var old = before.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var now = after.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var n in after.Nodes.Where(n => !old.ContainsKey(n.Id)))
        {
            entries.Add(new(Added, $"nodes.{n.Id}", null, n.Type));
        }

        foreach (var n in before.Nodes.Where(n => !now.ContainsKey(n.Id)))
        {
            entries.Add(new(Removed, $"nodes.{n.Id}", n.Type, null));
        }

        foreach (var n in after.Nodes.Where(n => old.ContainsKey(n.Id)))
        {
            var o = old[n.Id];
            if (o.Type != n.Type)
            {
                entries.Add(new(Changed, $"nodes.{n.Id}.type", o.Type, n.Type));
            }

            foreach (var name in o.Inputs.Keys.Union(n.Inputs.Keys).Order(StringComparer.Ordinal))
            {
                var a = o.Inputs.TryGetValue(name, out var x) ? Text(x) : null;
                var b = n.Inputs.TryGetValue(name, out var y) ? Text(y) : null;
                if (a != b)
                {
                    entries.Add(new(a is null ? Added : b is null ? Removed : Changed, $"nodes.{n.Id}.inputs.{name}", a, b));
                }
            }

            var (ox, oy) = Place(o.Display);
            var (nx, ny) = Place(n.Display);
            if (ox != nx || oy != ny)
            {
                entries.Add(new(Moved, $"nodes.{n.Id}", $"{ox},{oy}", $"{nx},{ny}"));
            }

            var ol = Label(o.Display);
            var nl = Label(n.Display);
            if (ol != nl)
            {
                entries.Add(new(Changed, $"nodes.{n.Id}.label", ol, nl));
            }
        }

        static string Edge(Connection c) => $"{c.Source}:{c.Outcome}→{c.Target}";
        var oldEdges = before.Connections.Select(Edge).ToHashSet(StringComparer.Ordinal);
        var newEdges = after.Connections.Select(Edge).ToHashSet(StringComparer.Ordinal);
        entries.AddRange(newEdges.Where(e => !oldEdges.Contains(e)).Select(e => new DiffEntry(Added, $"connections.{e}", null, e)));
        entries.AddRange(oldEdges.Where(e => !newEdges.Contains(e)).Select(e => new DiffEntry(Removed, $"connections.{e}", e, null)));

        var oldVars = before.Variables.ToDictionary(v => v.Name, v => v.Value?.ToJsonString(), StringComparer.Ordinal);
        var newVars = after.Variables.ToDictionary(v => v.Name, v => v.Value?.ToJsonString(), StringComparer.Ordinal);
        foreach (var name in oldVars.Keys.Union(newVars.Keys).Order(StringComparer.Ordinal))
        {
            var a = oldVars.GetValueOrDefault(name);
            var b = newVars.GetValueOrDefault(name);
            if (!oldVars.ContainsKey(name) || !newVars.ContainsKey(name) || a != b)
            {
                entries.Add(new(!oldVars.ContainsKey(name) ? Added : !newVars.ContainsKey(name) ? Removed : Changed, $"variables.{name}", a, b));
            }
        }

        return entries;
    }

    /// <summary>An input as the property panel writes it: a literal's JSON, or the script, variable or template text.</summary>
    private static string Text(InputValue value) => value.Kind switch
    {
        InputKind.Literal => value.Literal?.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null",
        var kind => $"{kind}: {value.Text}",
    };

    private static (double? X, double? Y) Place(JsonObject? display) => (Number(display?["x"]), Number(display?["y"]));

    private static string? Label(JsonObject? display) => display?["label"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
}
