using System.Security.Cryptography;
using System.Text;

namespace Scrm.Workflows.Runtime;

/// <summary>
/// The index key of triggers and bookmarks: a hash of the stimulus name and the payload that
/// matters (<c>mention.received</c> + channel, <c>event:order.paid</c> + correlation id), so an
/// arriving stimulus finds every trigger and bookmark it fires with one indexed lookup.
/// </summary>
internal static class StimulusHash
{
    public static string Of(string name, string key)
    {
        Span<byte> hash = stackalloc byte[32];
        var text = name + "\n" + key;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(text, buffer);
        SHA256.HashData(buffer[..length], hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}

/// <summary>Something that happened that triggers may start on and bookmarks may resume on.</summary>
/// <param name="Name">e.g. <c>mention.received</c>, <c>event:order.paid</c>, <c>http:/hooks/lead</c>.</param>
/// <param name="Keys">The payload parts that matter, most specific first; <c>""</c> matches triggers that ask for any.</param>
/// <param name="Payload">Given to started instances as input and to resumed activities.</param>
/// <param name="IdempotencyKey">Stable across redeliveries; starts derive their instance ids from it.</param>
/// <param name="CorrelationId">Resumes only bookmarks of instances with this correlation when set.</param>
public sealed record Stimulus(
    string Name,
    IReadOnlyList<string> Keys,
    System.Text.Json.Nodes.JsonNode? Payload,
    string? IdempotencyKey = null,
    string? CorrelationId = null)
{
    public IEnumerable<string> Hashes => Keys.Select(k => StimulusHash.Of(Name, k));
}
