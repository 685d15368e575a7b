namespace Scrm.Platform.Contacts;

/// <summary>
/// Folds full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to their half-width
/// equivalents, as Chinese input methods produce them. Done by hand so it does not depend on ICU.
/// </summary>
public static class Width
{
    public static string Fold(string text)
    {
        var i = 0;
        while (i < text.Length && !IsWide(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var j = 0; j < source.Length; j++)
            {
                span[j] = Fold(source[j]);
            }
        });
    }

    public static char Fold(char c) => c switch
    {
        >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
        '\u3000' => ' ',
        _ => c,
    };

    private static bool IsWide(char c) => c is (>= '\uFF01' and <= '\uFF5E') or '\u3000';
}
