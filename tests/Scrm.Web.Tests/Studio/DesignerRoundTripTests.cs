using System.Text.Json.Nodes;
using Scrm.Testing;
using Scrm.Web.Studio;
using Scrm.Workflows.Definitions;

namespace Scrm.Web.Tests.Studio;

/// <summary>What the designer saves is the definition it opened: nothing about a workflow lives only in the canvas, and nothing is lost on the way through it.</summary>
public sealed class DesignerRoundTripTests
{
    public static TheoryData<string> Shipped() =>
        [.. Directory.GetFiles(Path.Combine(Repo.Root, "workflows", "definitions"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static string Read(string file) => File.ReadAllText(Path.Combine(Repo.Root, "workflows", "definitions", file));

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Opening_and_saving_a_shipped_definition_without_changes_gives_the_same_json(string file)
    {
        var original = Read(file);
        var parsed = DefinitionJson.Parse(original, 1 << 20);
        parsed.Error.ShouldBeNull();

        var graph = DesignerGraph.From(parsed.Definition!);
        // The designer's own state is what is saved: a fresh definition of the same id, nothing carried over but what the canvas holds.
        graph.Nodes.Count.ShouldBe(parsed.Definition!.Nodes.Count());
        var saved = DefinitionJson.Serialize(graph.ToDefinition());

        // Semantically the same: both read as a definition and written the one way (defaults such as the "done" outcome spelled out).
        JsonNode.DeepEquals(JsonNode.Parse(saved), JsonNode.Parse(DefinitionJson.Serialize(DefinitionJson.Deserialize(original)))).ShouldBeTrue(saved);
        // And against the file itself, with the file's omitted defaults filled in the same way, every field the author wrote is there.
        Subset(JsonNode.Parse(original)!, JsonNode.Parse(saved)!, "$");
    }

    /// <summary>Every property of <paramref name="expected"/> is in <paramref name="actual"/> with the same value (objects recursively; arrays item by item).</summary>
    private static void Subset(JsonNode expected, JsonNode actual, string path)
    {
        switch (expected)
        {
            case JsonObject o:
                var a = actual.ShouldBeOfType<JsonObject>(path);
                foreach (var (key, value) in o)
                {
                    a.ContainsKey(key).ShouldBeTrue($"{path}.{key} is missing");
                    if (value is null)
                    {
                        a[key].ShouldBeNull(path + "." + key);
                    }
                    else
                    {
                        Subset(value, a[key]!, $"{path}.{key}");
                    }
                }

                break;
            case JsonArray e:
                var items = actual.ShouldBeOfType<JsonArray>(path);
                items.Count.ShouldBe(e.Count, path);
                for (var i = 0; i < e.Count; i++)
                {
                    Subset(e[i]!, items[i]!, $"{path}[{i}]");
                }

                break;
            default:
                JsonNode.DeepEquals(expected, actual).ShouldBeTrue($"{path}: {expected.ToJsonString()} ≠ {actual.ToJsonString()}");
                break;
        }
    }

    [Fact]
    public void Moving_a_node_writes_its_place_and_keeps_its_label_and_every_other_node_as_it_was()
    {
        var definition = DefinitionJson.Deserialize(Read("lead-conversion.json"));
        var graph = DesignerGraph.From(definition);
        var node = graph.Nodes.First(n => n.Id == "intent");
        DesignerGraph.Move(node, 300.4, 150);

        var saved = graph.ToDefinition();
        var display = saved.Activities.Single(a => a.Id == "intent").Display!;
        display["x"]!.GetValue<long>().ShouldBe(300);
        display["y"]!.GetValue<long>().ShouldBe(150);
        display["label"]!.GetValue<string>().ShouldBe("Lead, or buying intent?");
        foreach (var other in saved.Nodes.Where(n => n.Id != "intent"))
        {
            JsonNode.DeepEquals(other.Display, definition.Nodes.Single(n => n.Id == other.Id).Display).ShouldBeTrue(other.Id);
        }
    }

    [Fact]
    public void An_input_in_every_mode_is_written_as_the_engine_reads_it()
    {
        foreach (var (mode, text, json) in new[]
        {
            (InputMode.Text, "你好", "\"你好\""),
            (InputMode.Json, "[1,2]", "{\"literal\":[1,2]}"),
            (InputMode.Json, "30", "30"),
            (InputMode.Js, "input.kind === 'lead'", "{\"js\":\"input.kind === \\u0027lead\\u0027\"}"),
            (InputMode.Var, "intentWords", "{\"var\":\"intentWords\"}"),
            (InputMode.Template, "您好 ${vars.name}", "{\"template\":\"您好 ${vars.name}\"}"),
        })
        {
            var (value, error) = DesignerGraph.Value(new DesignerInput { Name = "x", Mode = mode, Text = text });
            error.ShouldBeNull();
            JsonNode.DeepEquals(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(value, DefinitionJson.Options)), JsonNode.Parse(json)).ShouldBeTrue($"{mode}: {text}");
            var back = DesignerGraph.Edit("x", value!);
            (back.Mode, back.Text).ShouldBe((mode, text));
        }

        DesignerGraph.Value(new DesignerInput { Name = "x", Mode = InputMode.Json, Text = "{oops" }).Error.ShouldNotBeNull();
    }
}
