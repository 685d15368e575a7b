namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>The query string the platform signs a callback with.</summary>
/// <param name="Signature">SHA-1 over token, timestamp, nonce (plain mode and Official Account URL checks).</param>
/// <param name="MsgSignature">SHA-1 over token, timestamp, nonce and the ciphertext (safe mode, WeCom).</param>
/// <param name="EncryptType"><c>aes</c> when the body is encrypted.</param>
public sealed record CallbackQuery(string? Signature, string? MsgSignature, string? Timestamp, string? Nonce, string? EchoStr, string? EncryptType)
{
    public bool IsEncrypted => string.Equals(EncryptType, "aes", StringComparison.OrdinalIgnoreCase) || MsgSignature is not null;
}

/// <summary>One callback as it arrived: the signed query and the body.</summary>
public sealed record CallbackDelivery(CallbackQuery Query, string Body);

/// <summary>
/// The checks every WeChat and WeCom callback passes, in order: signature (constant time), then
/// the replay window, then decryption (padding, framing, receive id), then safe XML reading.
/// </summary>
public static class TencentCallback
{
    /// <summary>Official Account URL check: the signature covers token, timestamp and nonce; the answer is <c>echostr</c> as is.</summary>
    public static string VerifyPlainUrl(string token, CallbackQuery query, DateTimeOffset now, TimeSpan window)
    {
        var echo = query.EchoStr is { Length: > 0 and <= 512 } e
            ? e
            : throw new CallbackRejectedException(CallbackFailure.MalformedXml, "The URL check has no echostr.");
        VerifyPlain(token, query, now, window);
        return echo;
    }

    /// <summary>WeCom URL check: <c>echostr</c> is ciphertext, signed with msg_signature; the answer is its plaintext.</summary>
    public static string VerifyEncryptedUrl(string token, CallbackCipher cipher, CallbackQuery query, DateTimeOffset now, TimeSpan window)
    {
        var echo = query.EchoStr is { Length: > 0 and <= 4096 } e
            ? e
            : throw new CallbackRejectedException(CallbackFailure.MalformedXml, "The URL check has no echostr.");
        return Decrypt(token, cipher, query.MsgSignature, query.Timestamp, query.Nonce, echo, now, window);
    }

    /// <summary>Plain mode: checks the signature over token, timestamp and nonce and the replay window.</summary>
    public static void VerifyPlain(string token, CallbackQuery query, DateTimeOffset now, TimeSpan window)
    {
        CallbackSignature.Verify(query.Signature, token, query.Timestamp ?? "", query.Nonce ?? "");
        ReplayWindow.Check(query.Timestamp, now, window);
    }

    /// <summary>Safe mode: checks msg_signature over token, timestamp, nonce and the ciphertext, the replay window, then decrypts.</summary>
    public static string Decrypt(
        string token, CallbackCipher cipher, string? msgSignature, string? timestamp, string? nonce, string encrypted, DateTimeOffset now, TimeSpan window)
    {
        CallbackSignature.Verify(msgSignature, token, timestamp ?? "", nonce ?? "", encrypted);
        ReplayWindow.Check(timestamp, now, window);
        return cipher.Decrypt(encrypted);
    }

    /// <summary>A safe-mode POST body: the envelope's <c>Encrypt</c> field, verified and decrypted, read as XML.</summary>
    public static CallbackXml OpenEncrypted(string token, CallbackCipher cipher, CallbackQuery query, string body, DateTimeOffset now, TimeSpan window)
    {
        var envelope = CallbackXml.Parse(body);
        var encrypted = envelope.Required("Encrypt");
        return CallbackXml.Parse(Decrypt(token, cipher, query.MsgSignature, query.Timestamp, query.Nonce, encrypted, now, window));
    }

    /// <summary>A plain-mode POST body, after the signature and replay checks.</summary>
    public static CallbackXml OpenPlain(string token, CallbackQuery query, string body, DateTimeOffset now, TimeSpan window)
    {
        VerifyPlain(token, query, now, window);
        return CallbackXml.Parse(body);
    }
}
