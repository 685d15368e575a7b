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

    /// <summary>Why <paramref name="text"/> breaks the rule, or null when it keeps it.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "contains a NUL character";
            }

            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return $"contains the control character U+{(int)c:X4}";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "is not valid Unicode text (an unpaired surrogate)";
            }
        }

        return null;
    }

    /// <summary>Decodes UTF-8 strictly (no overlong forms, no encoded surrogates), then applies <see cref="Problem(string)"/>.</summary>
    public static (string? Text, string? Problem) Decode(ReadOnlySpan<byte> utf8)
    {
        string text;
        try
        {
            text = Strict.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return (null, "is not valid UTF-8 text");
        }

        return Problem(text) is { } problem ? (null, problem) : (text, null);
    }
}
