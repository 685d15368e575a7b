using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Scrm.Platform.Security;

/// <summary>
/// The accepted keys, held only as SHA-256 digests. Lookup hashes the presented key and compares
/// it with every digest in constant time, so neither timing nor logs reveal a key.
/// </summary>
public sealed class ApiKeyStore
{
    public const int MinimumKeyLength = 24;

    public const string GeneratedKeyFile = "admin-api-key.json";

    private readonly (byte[] Digest, string Role, string Name)[] _keys;

    public ApiKeyStore(IEnumerable<(byte[] Digest, string Role, string Name)> keys, byte[]? setAside = null)
    {
        _keys = [.. keys];
        SetAsideGeneratedKey = setAside;
    }

    /// <summary>The generated admin key's digest when configured keys replaced it: it is refused, and a caller presenting it is told why.</summary>
    public byte[]? SetAsideGeneratedKey { get; }

    /// <summary>Whether <paramref name="presented"/> is the generated admin key that configured keys replaced.</summary>
    public bool IsSetAsideGeneratedKey(ReadOnlySpan<char> presented) =>
        SetAsideGeneratedKey is { } digest && presented.Length is > 0 and <= 512 && CryptographicOperations.FixedTimeEquals(Digest(presented), digest);

    public int Count => _keys.Length;

    /// <summary>Each accepted key's role and name (never the key).</summary>
    public IEnumerable<(string Role, string Name)> Holders => _keys.Select(k => (k.Role, k.Name));

    public (string Role, string Name)? Find(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty || presented.Length > 512)
        {
            return null;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(presented, digest);
        (string, string)? found = null;
        foreach (var key in _keys)
        {
            // No early exit: every digest is compared whatever matched before.
            if (CryptographicOperations.FixedTimeEquals(digest, key.Digest))
            {
                found = (key.Role, key.Name);
            }
        }

        return found;
    }

    public static byte[] Digest(ReadOnlySpan<char> key)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Digest(key, digest);
        return digest;
    }

    private static void Digest(ReadOnlySpan<char> key, Span<byte> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(key);
        Span<byte> bytes = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes, destination);
    }

    /// <summary>
    /// Configured keys, or, when none is configured, the generated admin key kept (as a digest) in
    /// the data directory. The first start creates it and returns the plain key once, for printing.
    /// </summary>
    public static (ApiKeyStore Store, string? NewAdminKey) Load(AuthOptions options, string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, GeneratedKeyFile);
        var saved = File.Exists(path)
            ? JsonSerializer.Deserialize<SavedKey>(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is empty; delete it to create a new admin key.")
            : null;
        if (options.ApiKeys.Count > 0)
        {
            return (new ApiKeyStore(options.ApiKeys.Select((k, i) => (Digest(k.Key), k.Role, k.Name ?? $"key-{i}")),
                saved is null ? null : Convert.FromHexString(saved.Sha256)), null);
        }

        if (saved is not null)
        {
            return (new ApiKeyStore([(Convert.FromHexString(saved.Sha256), ScrmRoles.Admin, "generated-admin")]), null);
        }

        var key = "scrm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        Directory.CreateDirectory(dataDirectory);
        var json = JsonSerializer.Serialize(new SavedKey(Convert.ToHexStringLower(Digest(key))));
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, fileOptions))
        {
            stream.Write(Encoding.UTF8.GetBytes(json));
        }

        return (new ApiKeyStore([(Digest(key), ScrmRoles.Admin, "generated-admin")]), key);
    }

    private sealed record SavedKey(string Sha256);
}
