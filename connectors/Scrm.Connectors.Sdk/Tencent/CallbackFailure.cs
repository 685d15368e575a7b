namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>Why a WeChat or WeCom callback was refused.</summary>
public enum CallbackFailure
{
    /// <summary>The signature does not match the account's token (or is missing or malformed).</summary>
    BadSignature,
    /// <summary>The timestamp is missing, unreadable or more than the replay window away from now.</summary>
    ReplayWindow,
    /// <summary>The ciphertext is not whole blocks, or its PKCS#7 padding (1..32) is wrong.</summary>
    BadPadding,
    /// <summary>The decrypted message names another AppId or CorpId than the account's.</summary>
    AppIdMismatch,
    /// <summary>The ciphertext is not Base64.</summary>
    BadBase64,
    /// <summary>The XML declares a DTD (external entities, entity expansion).</summary>
    Xxe,
    /// <summary>The body is larger than callbacks ever are.</summary>
    Oversized,
    /// <summary>The XML is not well formed, or lacks a field the message needs.</summary>
    MalformedXml,
}

/// <summary>A refused callback: the failure category and a detail safe to repeat to the caller.</summary>
public sealed class CallbackRejectedException(CallbackFailure failure, string detail) : Exception(detail)
{
    public CallbackFailure Failure { get; } = failure;
}

public static class CallbackFailures
{
    /// <summary>The snake_case name used in problem details and in the protocol fixtures.</summary>
    public static string ToWire(this CallbackFailure failure) => failure switch
    {
        CallbackFailure.BadSignature => "bad_signature",
        CallbackFailure.ReplayWindow => "replay_window",
        CallbackFailure.BadPadding => "bad_padding",
        CallbackFailure.AppIdMismatch => "appid_mismatch",
        CallbackFailure.BadBase64 => "bad_base64",
        CallbackFailure.Xxe => "xxe",
        CallbackFailure.Oversized => "oversized",
        CallbackFailure.MalformedXml => "malformed_xml",
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };

    /// <summary>
    /// The HTTP status a refusal is answered with: 403 when the sender is not who it claims or
    /// the message is stale, 413 for size, 400 for a body that cannot be read.
    /// </summary>
    public static int ToStatusCode(this CallbackFailure failure) => failure switch
    {
        CallbackFailure.BadSignature or CallbackFailure.ReplayWindow or CallbackFailure.AppIdMismatch => 403,
        CallbackFailure.Oversized => 413,
        _ => 400,
    };
}
