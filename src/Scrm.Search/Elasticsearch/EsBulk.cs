using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scrm.Search.Elasticsearch;

/// <summary>One bulk operation: its action line and, for index and create, the document line.</summary>
internal sealed record BulkOperation(string Action, string Id, byte[] Bytes)
{
    public static BulkOperation Write(string action, SearchDocument document)
    {
        var line = new JsonObject { [action] = new JsonObject { ["_id"] = document.Id } };
        return new BulkOperation(action, document.Id, Lines(line, EsFields.Source(document)));
    }

    public static BulkOperation Delete(string id) =>
        new("delete", id, Lines(new JsonObject { ["delete"] = new JsonObject { ["_id"] = id } }));

    /// <summary>Compact JSON, one document a line, each line ended by <c>\n</c> (JSON escapes any newline inside strings).</summary>
    private static byte[] Lines(params JsonNode[] lines)
    {
        using var buffer = new MemoryStream();
        foreach (var line in lines)
        {
            JsonSerializer.Serialize(buffer, line, EsJson.Options);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }
}

/// <summary>What to do with one item of a bulk response.</summary>
internal enum BulkItemOutcome
{
    Done,
    AlreadyIndexed,
    Retry,
    DeadLetter,
}

internal static class EsBulk
{
    /// <summary>Splits operations into bodies of at most <paramref name="maxBytes"/> (an operation larger than that goes alone).</summary>
    public static List<List<BulkOperation>> Chunk(IReadOnlyList<BulkOperation> operations, int maxBytes)
    {
        var chunks = new List<List<BulkOperation>>();
        var current = new List<BulkOperation>();
        var size = 0;
        foreach (var op in operations)
        {
            if (current.Count > 0 && size + op.Bytes.Length > maxBytes)
            {
                chunks.Add(current);
                current = [];
                size = 0;
            }

            current.Add(op);
            size += op.Bytes.Length;
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        return chunks;
    }

    public static byte[] Body(IReadOnlyList<BulkOperation> chunk)
    {
        var body = new byte[chunk.Sum(o => o.Bytes.Length)];
        var at = 0;
        foreach (var op in chunk)
        {
            op.Bytes.CopyTo(body, at);
            at += op.Bytes.Length;
        }

        return body;
    }

    /// <summary>The per-item rules: 409 on create means it is already there, 429/503 are retried, other 4xx are dead-lettered.</summary>
    public static BulkItemOutcome Classify(string action, int status) => (action, status) switch
    {
        (_, >= 200 and < 300) => BulkItemOutcome.Done,
        ("delete", 404) => BulkItemOutcome.Done,
        ("create", 409) => BulkItemOutcome.AlreadyIndexed,
        (_, 429 or 502 or 503 or 504) => BulkItemOutcome.Retry,
        _ => BulkItemOutcome.DeadLetter,
    };

    public static string Describe(EsBulkItem item) =>
        $"HTTP {item.Status}: {item.Error?.ToString() ?? item.Result ?? "no reason given"}";

    public static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}
