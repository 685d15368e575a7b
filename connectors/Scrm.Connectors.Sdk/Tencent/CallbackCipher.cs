using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>
/// The platform's "safe mode" message encryption: AES-256-CBC, IV = the key's first 16 bytes,
/// plaintext = 16 random bytes ‖ 4-byte big-endian UTF-8 length ‖ message ‖ receive id (AppId or
/// CorpId), padded with PKCS#7 over a 32-byte block (pad 1..32, which .NET's PKCS7 mode refuses).
/// </summary>
public sealed class CallbackCipher
{
    /// <summary>The padding block size the platform uses (not AES's 16).</summary>
    public const int PadBlock = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly string _receiveId;

    /// <param name="encodingAesKey">The 43-character EncodingAESKey from the platform's console.</param>
    /// <param name="receiveId">The AppId (Official Account) or CorpId (WeCom) every message must end with.</param>
    public CallbackCipher(string encodingAesKey, string receiveId)
    {
        _key = DecodeKey(encodingAesKey);
        _iv = _key[..16];
        _receiveId = receiveId;
    }

    /// <summary>
    /// The key: Base64 of the 43 characters plus the "=" the platform leaves off. Throws
    /// <see cref="FormatException"/> for anything that is not 43 characters decoding to 32 bytes.
    /// </summary>
    public static byte[] DecodeKey(string encodingAesKey)
    {
        if (encodingAesKey is not { Length: 43 })
        {
            throw new FormatException("An EncodingAESKey is 43 characters long.");
        }

        var key = new byte[32];
        if (!Convert.TryFromBase64String(encodingAesKey + "=", key, out var written) || written != 32)
        {
            throw new FormatException("An EncodingAESKey is Base64 for 32 bytes without the final '='.");
        }

        return key;
    }

    /// <summary>Whether <paramref name="encodingAesKey"/> is a usable key (for options validation).</summary>
    public static bool IsValidKey(string? encodingAesKey)
    {
        if (encodingAesKey is not { Length: 43 })
        {
            return false;
        }

        Span<byte> key = stackalloc byte[33];
        return Convert.TryFromBase64String(encodingAesKey + "=", key, out var written) && written == 32;
    }

    /// <summary>The message inside <paramref name="encrypted"/>, after checking padding, framing and receive id.</summary>
    public string Decrypt(string encrypted)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypted);
        }
        catch (FormatException)
        {
            throw new CallbackRejectedException(CallbackFailure.BadBase64, "The encrypted message is not Base64.");
        }

        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            throw new CallbackRejectedException(CallbackFailure.BadPadding, "The encrypted message is not a whole number of AES blocks.");
        }

        using var aes = Aes.Create();
        aes.Key = _key;
        var plain = aes.DecryptCbc(cipher, _iv, PaddingMode.None);
        var pad = plain[^1];
        if (pad is 0 or > PadBlock || pad > plain.Length)
        {
            throw new CallbackRejectedException(CallbackFailure.BadPadding, "The encrypted message's padding is not valid.");
        }

        for (var i = plain.Length - pad; i < plain.Length; i++)
        {
            if (plain[i] != pad)
            {
                throw new CallbackRejectedException(CallbackFailure.BadPadding, "The encrypted message's padding is not valid.");
            }
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < 20)
        {
            throw new CallbackRejectedException(CallbackFailure.BadPadding, "The decrypted message is too short to be framed.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(16, 4));
        if (length > (uint)(content.Length - 20))
        {
            throw new CallbackRejectedException(CallbackFailure.MalformedXml, "The decrypted message's length does not fit its frame.");
        }

        var message = content.Slice(20, (int)length);
        var receiveId = content[(20 + (int)length)..];
        if (!receiveId.SequenceEqual(Encoding.UTF8.GetBytes(_receiveId)))
        {
            throw new CallbackRejectedException(CallbackFailure.AppIdMismatch, "The message was encrypted for another account.");
        }

        try
        {
            return StrictUtf8.GetString(message);
        }
        catch (DecoderFallbackException)
        {
            throw new CallbackRejectedException(CallbackFailure.MalformedXml, "The decrypted message is not UTF-8 text.");
        }
    }

    /// <summary>Encrypts a reply (or, for tests and the fake channel server, a callback) with fresh random bytes.</summary>
    public string Encrypt(string message) => Encrypt(message, RandomNumberGenerator.GetBytes(16));

    /// <summary>Encrypts with the given 16 random bytes, which makes the result reproducible.</summary>
    public string Encrypt(string message, ReadOnlySpan<byte> random16)
    {
        if (random16.Length != 16)
        {
            throw new ArgumentException("Exactly 16 random bytes are needed.", nameof(random16));
        }

        var messageBytes = Encoding.UTF8.GetByteCount(message);
        var idBytes = Encoding.UTF8.GetByteCount(_receiveId);
        var contentLength = 20 + messageBytes + idBytes;
        var pad = PadBlock - contentLength % PadBlock;
        var plain = new byte[contentLength + pad];
        random16.CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16, 4), (uint)messageBytes);
        Encoding.UTF8.GetBytes(message, plain.AsSpan(20));
        Encoding.UTF8.GetBytes(_receiveId, plain.AsSpan(20 + messageBytes));
        plain.AsSpan(contentLength).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _iv, PaddingMode.None));
    }
}
