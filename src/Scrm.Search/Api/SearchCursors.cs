using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Scrm.Platform.Storage;

namespace Scrm.Search.Api;

/// <summary>
/// Paging cursors: the last hit's sort position, bound to the query it came from, signed with
/// HMAC-SHA256. Clients cannot read meaning into them or forge one; a changed or foreign cursor is refused.
/// </summary>
internal sealed class SearchCursors
{
    public const int MaxLength = 8_192;
    private const int MacBytes = 16;
    private readonly byte[] _key;

    public SearchCursors(IOptions<SearchOptions> options, ScrmDatabase database)
    {
        _key = options.Value.CursorKey is { } configured
            ? Convert.FromBase64String(configured)
            : LoadOrCreateKey(Path.Combine(database.DataDirectory, "search-cursor.key"));
    }

    internal SearchCursors(byte[] key) => _key = key;

    public string Encode(SearchAfter after, string fingerprint)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new CursorPayload(fingerprint, after.Score, after.CreatedAtMs, after.Id, after.PointInTime), CursorJson.Default.CursorPayload);
        var cursor = Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Mac(payload));
        // A snapshot id too long to carry is left out: the next page opens another one from the position.
        return cursor.Length > MaxLength && after.PointInTime is not null ? Encode(after with { PointInTime = null }, fingerprint) : cursor;
    }

    /// <summary>The position, or null when the cursor is malformed, forged or belongs to another query.</summary>
    public SearchAfter? Decode(string cursor, string fingerprint)
    {
        if (cursor.Length > MaxLength || cursor.Split('.') is not [var body, var mac])
        {
            return null;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(body);
            if (!CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(mac), Mac(payload)))
            {
                return null;
            }

            var p = JsonSerializer.Deserialize(payload, CursorJson.Default.CursorPayload);
            return p is not null && p.Q == fingerprint && p.I is not null ? new SearchAfter(p.S, p.C, p.I) { PointInTime = p.P } : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>What identifies a query apart from its page: text, filter and sort.</summary>
    public static string Fingerprint(SearchQuery query)
    {
        var f = query.Filter;
        var text = new StringBuilder()
            .Append(query.Text?.Trim()).Append('\u0001').Append(query.Sort)
            .AppendJoin('\u0002', f.Types).Append('\u0001').AppendJoin('\u0002', f.Channels).Append('\u0001')
            .AppendJoin('\u0002', f.Accounts).Append('\u0001').AppendJoin('\u0002', f.Authors).Append('\u0001')
            .AppendJoin('\u0002', f.Owners).Append('\u0001').AppendJoin('\u0002', f.Tags).Append('\u0001')
            .AppendJoin('\u0002', f.AnyTags).Append('\u0001').AppendJoin('\u0002', f.NotTags).Append('\u0001')
            .Append(f.From?.ToUnixTimeMilliseconds()).Append('\u0001').Append(f.To?.ToUnixTimeMilliseconds());
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
    }

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(_key, payload)[..MacBytes];

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}

/// <summary>A cursor's content: query fingerprint, score, creation time, id and the engine's snapshot (absent in older cursors).</summary>
internal sealed record CursorPayload(string Q, double? S, long C, string? I, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? P = null);

[JsonSerializable(typeof(CursorPayload))]
internal sealed partial class CursorJson : JsonSerializerContext;
