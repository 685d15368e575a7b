using System.Text;

namespace Scrm.Platform.Text;

/// <summary>
/// The one rule for text people and systems send in, whatever the door (JSON, forms, workflow
/// definitions): valid UTF-8 without unpaired surrogates, and no NUL or other control character
/// except tab, line feed and carriage return. Text that breaks it is refused with a field error,
/// never stored as replacement characters or escapes.
/// </summary>
public static class TextRule
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static class Texts
    {
        public static readonly UserText Nul = new("含有 NUL 字符", "contains a NUL character");
        public static readonly UserText Control = new("含有控制字符 U+{0:X4}", "contains the control character U+{0:X4}");
        public static readonly UserText Surrogate = new("不是有效的 Unicode 文本（代理项不成对）", "is not valid Unicode text (an unpaired surrogate)");
        public static readonly UserText NotUtf8 = new("不是有效的 UTF-8 文本", "is not valid UTF-8 text");
    }

    /// <summary>Why <paramref name="text"/> breaks the rule, or null when it keeps it.</summary>
    public static UserText? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return Texts.Nul;
            }

            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return Texts.Control.Filled((int)c);
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return Texts.Surrogate;
            }
        }

        return null;
    }

    /// <summary>Decodes UTF-8 strictly (no overlong forms, no encoded surrogates), then applies <see cref="Problem(string)"/>.</summary>
    public static (string? Text, UserText? Problem) Decode(ReadOnlySpan<byte> utf8)
    {
        string text;
        try
        {
            text = Strict.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return (null, Texts.NotUtf8);
        }

        return Problem(text) is { } problem ? (null, problem) : (text, null);
    }
}
