using System.Text.Json;
using System.Text.Json.Serialization;
using Scrm.Platform.Text;

namespace Scrm.Workflows.Definitions;

/// <summary>Reads and writes definitions, refusing hostile sizes before they cost anything.</summary>
internal static class DefinitionJson
{
    /// <summary>Deeper JSON than this is refused (a definition needs far less).</summary>
    public const int MaxDepth = 32;

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        MaxDepth = MaxDepth,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = false,
    };

    /// <summary>Parses a definition; a readable reason instead of an exception when it cannot.</summary>
    public static DefinitionParse Parse(ReadOnlySpan<byte> utf8, int maxBytes)
    {
        if (utf8.Length > maxBytes)
        {
            return DefinitionParse.Fail(new($"工作流定义有 {utf8.Length:N0} 字节；最多接受 {maxBytes:N0} 字节。", $"The definition is {utf8.Length:N0} bytes; at most {maxBytes:N0} are accepted."));
        }

        try
        {
            var definition = JsonSerializer.Deserialize<WorkflowDefinition>(utf8, Options);
            return definition is null ? DefinitionParse.Fail(new("工作流定义为空。", "The definition is empty.")) : new DefinitionParse(definition, null);
        }
        catch (JsonException ex)
        {
            return DefinitionParse.Fail(Describe(ex));
        }
    }

    public static DefinitionParse Parse(string json, int maxBytes) => Parse(System.Text.Encoding.UTF8.GetBytes(json), maxBytes);

    public static string Serialize(WorkflowDefinition definition) => JsonSerializer.Serialize(definition, Options);

    public static WorkflowDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<WorkflowDefinition>(json, Options) ?? throw new JsonException("Stored definition is empty.");

    private static UserText Describe(JsonException ex) => NotWorkflowJson.Filled(JsonTexts.Reason(ex));

    private static readonly UserText NotWorkflowJson = new("工作流定义不是有效的工作流 JSON：{0}", "The definition is not valid JSON for a workflow: {0}");
}

/// <summary>A parsed definition, or why it could not be parsed (in both languages).</summary>
internal sealed record DefinitionParse(WorkflowDefinition? Definition, UserText? Error)
{
    public static DefinitionParse Fail(UserText error) => new(null, error);
}
