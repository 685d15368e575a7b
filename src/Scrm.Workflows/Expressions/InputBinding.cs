using System.Text.Json.Nodes;
using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Expressions;

/// <summary>An input of one node, ready to evaluate: a literal, a prepared script or a variable name.</summary>
internal sealed class InputBinding
{
    public required string Name { get; init; }

    public required InputKind Kind { get; init; }

    public JsonNode? Literal { get; init; }

    public string? Variable { get; init; }

    public CompiledScript? Script { get; init; }

    /// <summary>A literal converted to the input's type once, for value types and strings.</summary>
    public object? Converted { get; set; }

    public bool HasConverted { get; set; }
}
