using System.Security.Cryptography;
using System.Text;
using Scrm.Workflows.Definitions;

namespace Scrm.Workflows.Api;

/// <summary>
/// The entity tag of a workflow's newest version: its number and a digest of its content, since a
/// draft keeps its version number when it is saved again.
/// </summary>
internal static class DefinitionETag
{
    public static string Of(WorkflowDefinition definition)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(DefinitionJson.Serialize(definition)));
        return $"\"v{definition.Version}-{Convert.ToHexStringLower(digest.AsSpan(0, 8))}\"";
    }
}
