using System.Text;

namespace Scrm.Platform.Contacts;

/// <summary>
/// The form of a name or company used for matching and fingerprints (never for display): full-width
/// folded, zero-width and bidi controls removed, whitespace collapsed, case folded.
/// </summary>
public static class MatchText
{
    public static string Normalize(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return "";
        }

        var text = Width.Fold(input);
        var result = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsInvisibleControl(c))
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }

    /// <summary>Zero-width characters, bidi embeddings/overrides/isolates and the BOM.</summary>
    public static bool IsInvisibleControl(char c) =>
        c is (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2064')
            or (>= '\u2066' and <= '\u2069') or '\uFEFF' or '\u00AD';
}
