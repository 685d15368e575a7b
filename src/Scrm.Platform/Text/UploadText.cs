using System.Text;

namespace Scrm.Platform.Text;

/// <summary>
/// Decodes uploaded text files the way offices make them: a byte-order mark first (UTF-8, UTF-16,
/// GB18030), then UTF-8 when the bytes are valid UTF-8, then GB18030, which is what Excel on a
/// Chinese Windows writes as "CSV" (GBK is a subset of it). Decoding is strict: bytes that are
/// neither are refused, never turned into replacement characters. The one place that decides this.
/// </summary>
internal static class UploadText
{
    public const string Utf8 = "utf-8";
    public const string Utf8Bom = "utf-8-bom";
    public const string Utf16 = "utf-16";
    public const string Gb18030 = "gb18030";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Encoding StrictGb18030;

    static UploadText()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        StrictGb18030 = Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>GB18030 for writers (tests, tools) that make files as Excel on a Chinese Windows does.</summary>
    public static Encoding Gb18030Encoding => StrictGb18030;

    /// <summary>The text, the encoding it was read as, or why it is not text in an encoding we read.</summary>
    public static (string? Text, string? Encoding, UserText? Problem) Decode(ReadOnlySpan<byte> bytes)
    {
        var (encoding, name, skip) = Detect(bytes);
        string text;
        try
        {
            text = encoding.GetString(bytes[skip..]);
        }
        catch (DecoderFallbackException)
        {
            return (null, null, name == Gb18030 && skip == 0
                ? new UserText("既不是 UTF-8 也不是 GB18030 文本", "is neither UTF-8 nor GB18030 text")
                : new UserText("不是有效的 {0} 文本", "is not valid {0} text").Filled(name));
        }

        return TextRule.Problem(text) is { } problem ? (null, name, problem) : (text, name, null);
    }

    private static (Encoding Encoding, string Name, int Skip) Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (StrictUtf8, Utf8Bom, 3);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), Utf16, 2);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), Utf16, 2);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x84, 0x31, 0x95, 0x33]))
        {
            return (StrictGb18030, Gb18030, 4);
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? (StrictUtf8, Utf8, 0) : (StrictGb18030, Gb18030, 0);
    }
}
