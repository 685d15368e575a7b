using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scrm.Web.Marketing.Segments;

/// <summary>A node of the rule tree as the builder edits it; <see cref="RuleDraft"/> turns it into the API's JSON and back.</summary>
public abstract class RuleNode;

/// <summary>An and/or group, optionally negated (<c>{"not":{"or":[…]}}</c>).</summary>
public sealed class GroupNode : RuleNode
{
    public bool Any { get; set; }

    public bool Not { get; set; }

    public List<RuleNode> Children { get; } = [];
}

/// <summary>One condition; the fields are the text the marketer typed, checked by the API's own parser.</summary>
internal sealed class ConditionNode : RuleNode
{
    public string Fact { get; set; } = "";

    public string Op { get; set; } = "";

    /// <summary>Comma-, 、- or newline-separated.</summary>
    public string Values { get; set; } = "";

    public string Value { get; set; } = "";

    public string Min { get; set; } = "";

    public string Max { get; set; } = "";

    public string Days { get; set; } = "";

    public string Date { get; set; } = "";
}

/// <summary>The builder's tree as the rule JSON the segments API takes, with each node's path (as the parser's errors name them), and back.</summary>
internal static class RuleDraft
{
    private static readonly char[] Separators = [',', '，', '、', '\n', ';', '；'];

    public static (JsonNode Json, IReadOnlyDictionary<RuleNode, string> Paths) ToJson(GroupNode root, IReadOnlyList<FactChoice> schema)
    {
        var paths = new Dictionary<RuleNode, string>(ReferenceEqualityComparer.Instance);
        return (Node(root, "$", schema, paths), paths);
    }

    private static JsonNode Node(RuleNode node, string path, IReadOnlyList<FactChoice> schema, Dictionary<RuleNode, string> paths)
    {
        paths[node] = path;
        if (node is ConditionNode c)
        {
            return Condition(c, schema);
        }

        var g = (GroupNode)node;
        var inner = g.Not ? path + ".not" : path;
        var combinator = g.Any ? "or" : "and";
        var list = new JsonArray();
        for (var i = 0; i < g.Children.Count; i++)
        {
            list.Add(Node(g.Children[i], $"{inner}.{combinator}[{i}]", schema, paths));
        }

        JsonNode group = new JsonObject { [combinator] = list };
        return g.Not ? new JsonObject { ["not"] = group } : group;
    }

    private static JsonObject Condition(ConditionNode c, IReadOnlyList<FactChoice> schema)
    {
        var o = new JsonObject { ["fact"] = c.Fact, ["op"] = c.Op };
        var shape = schema.FirstOrDefault(f => f.Fact == c.Fact)?.OpOf(c.Op)?.Shape ?? ValueShape.None;
        switch (shape)
        {
            case ValueShape.Values:
                o["values"] = new JsonArray([.. SplitValues(c.Values).Select(v => (JsonNode)JsonValue.Create(v))]);
                break;
            case ValueShape.Number:
                o["value"] = Number(c.Value);
                break;
            case ValueShape.Range:
                o["min"] = Number(c.Min);
                o["max"] = Number(c.Max);
                break;
            case ValueShape.Days:
                o["days"] = Number(c.Days);
                break;
            case ValueShape.Date:
                o["date"] = c.Date.Trim();
                break;
        }

        return o;
    }

    public static IReadOnlyList<string> SplitValues(string text) =>
        [.. text.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>A number when the text is one; otherwise the text itself, so the parser names the field that is wrong.</summary>
    private static JsonValue Number(string text) =>
        decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(text.Trim());

    /// <summary>A saved rule as the builder's tree; a lone condition or <c>not</c> of a condition becomes a group around it.</summary>
    public static GroupNode FromJson(JsonElement rule)
    {
        var node = Read(rule);
        if (node is GroupNode g)
        {
            return g;
        }

        var root = new GroupNode();
        root.Children.Add(node);
        return root;
    }

    private static RuleNode Read(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return new GroupNode();
        }

        if (e.TryGetProperty("not", out var inner))
        {
            var child = Read(inner);
            if (child is GroupNode { Not: false } group)
            {
                group.Not = true;
                return group;
            }

            var wrapper = new GroupNode { Not = true };
            wrapper.Children.Add(child);
            return wrapper;
        }

        foreach (var (name, any) in new[] { ("and", false), ("or", true) })
        {
            if (e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var group = new GroupNode { Any = any };
                group.Children.AddRange(list.EnumerateArray().Select(Read));
                return group;
            }
        }

        return new ConditionNode
        {
            Fact = Text(e, "fact"),
            Op = Text(e, "op"),
            Values = e.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array
                ? string.Join(", ", values.EnumerateArray().Select(v => v.ToString()))
                : "",
            Value = Text(e, "value"),
            Min = Text(e, "min"),
            Max = Text(e, "max"),
            Days = Text(e, "days"),
            Date = Text(e, "date"),
        };
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText() : "";
}
