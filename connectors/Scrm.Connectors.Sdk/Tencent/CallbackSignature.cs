using System.Security.Cryptography;
using System.Text;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>
/// The WeChat/WeCom callback signature: hex SHA-1 over the parts sorted ordinally (by UTF-16
/// code unit, which equals byte order for the ASCII the platform uses) and concatenated.
/// </summary>
public static class CallbackSignature
{
    /// <summary>Lowercase hex SHA-1 of the ordinally sorted, concatenated parts.</summary>
    public static string Compute(params ReadOnlySpan<string> parts)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        Hash(parts, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether <paramref name="signature"/> (hex, any case) matches, compared in constant time.</summary>
    public static bool Matches(string? signature, params ReadOnlySpan<string> parts)
    {
        Span<byte> expected = stackalloc byte[SHA1.HashSizeInBytes];
        Hash(parts, expected);
        Span<byte> given = stackalloc byte[SHA1.HashSizeInBytes];
        if (signature is null || signature.Length != SHA1.HashSizeInBytes * 2
            || Convert.FromHexString(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != given.Length)
        {
            // Still compare, so a malformed signature costs the same as a wrong one.
            given.Clear();
            CryptographicOperations.FixedTimeEquals(expected, given);
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>Throws <see cref="CallbackFailure.BadSignature"/> unless the signature matches.</summary>
    public static void Verify(string? signature, params ReadOnlySpan<string> parts)
    {
        if (!Matches(signature, parts))
        {
            throw new CallbackRejectedException(CallbackFailure.BadSignature, "The signature does not match.");
        }
    }

    private static void Hash(ReadOnlySpan<string> parts, Span<byte> destination)
    {
        var sorted = parts.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        var length = 0;
        foreach (var part in sorted)
        {
            length += Encoding.UTF8.GetByteCount(part);
        }

        var buffer = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var offset = 0;
        foreach (var part in sorted)
        {
            offset += Encoding.UTF8.GetBytes(part, buffer[offset..]);
        }

#pragma warning disable CA5350 // SHA-1 is the platform's protocol, not our choice; it authenticates, it does not store secrets.
        SHA1.HashData(buffer, destination);
#pragma warning restore CA5350
    }
}
