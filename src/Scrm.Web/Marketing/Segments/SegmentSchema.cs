using System.Text.Json;
using Scrm.Campaigns;

namespace Scrm.Web.Marketing.Segments;

/// <summary>What a condition's operator asks for beside the fact: nothing, a list of values, one number, a range, a number of days or a date.</summary>
public enum ValueShape { None, Values, Number, Range, Days, Date }

/// <summary>One operator a fact takes, and the value it asks for.</summary>
public sealed record FactOp(string Op, ValueShape Shape);

/// <summary>One fact a condition can test, with its operators in the schema's order.</summary>
public sealed record FactChoice(string Fact, IReadOnlyList<FactOp> Ops)
{
    public FactOp? OpOf(string op) => Ops.FirstOrDefault(o => o.Op == op);
}

/// <summary>
/// The builder's vocabulary, read from the JSON schema the segments API publishes
/// (<c>GET /api/v1/segments/schema</c>): each condition shape's fact and op enums and the field it requires.
/// </summary>
internal static class SegmentSchema
{
    public const string ResourceName = "Scrm.Campaigns.segment-rule.schema.json";

    /// <summary>The schema the campaigns module ships, read once.</summary>
    public static IReadOnlyList<FactChoice> Shipped { get; } = ReadShipped();

    private static IReadOnlyList<FactChoice> ReadShipped()
    {
        using var stream = typeof(CampaignsModule).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The campaigns module no longer embeds {ResourceName}.");
        using var document = JsonDocument.Parse(stream);
        return Read(document.RootElement);
    }

    /// <summary>Facts in first-seen order; each fact's operators in the order its shapes list them.</summary>
    public static IReadOnlyList<FactChoice> Read(JsonElement schema)
    {
        var facts = new List<(string Fact, List<FactOp> Ops)>();
        if (!schema.TryGetProperty("$defs", out var defs) || defs.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        foreach (var def in defs.EnumerateObject())
        {
            if (!def.Value.TryGetProperty("properties", out var properties) || !properties.TryGetProperty("fact", out var fact)
                || !fact.TryGetProperty("enum", out var factEnum) || !properties.TryGetProperty("op", out var op))
            {
                continue;
            }

            var ops = op.TryGetProperty("enum", out var opEnum) ? opEnum.EnumerateArray().Select(o => o.GetString()!).ToList()
                : op.TryGetProperty("const", out var opConst) ? [opConst.GetString()!]
                : [];
            var required = def.Value.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal) : [];
            var shape = required.Contains("values") ? ValueShape.Values
                : required.Contains("min") ? ValueShape.Range
                : required.Contains("value") ? ValueShape.Number
                : required.Contains("days") ? ValueShape.Days
                : required.Contains("date") ? ValueShape.Date
                : ValueShape.None;
            foreach (var name in factEnum.EnumerateArray().Select(f => f.GetString()!))
            {
                var entry = facts.FirstOrDefault(f => f.Fact == name);
                if (entry.Fact is null)
                {
                    entry = (name, []);
                    facts.Add(entry);
                }

                entry.Ops.AddRange(ops.Where(o => entry.Ops.All(e => e.Op != o)).Select(o => new FactOp(o, shape)));
            }
        }

        return [.. facts.Select(f => new FactChoice(f.Fact, f.Ops))];
    }
}
