using Scrm.Platform.Contacts;

namespace Scrm.Community.Classification;

/// <summary>How every classifier sees a text: full-width forms folded, lower case, runs of white space as one.</summary>
internal static class TextNormal
{
    /// <summary>Longer texts are classified on their first part; the limit keeps one text's cost bounded.</summary>
    public const int MaxChars = 2_000;

    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var span = text.AsSpan(0, Math.Min(text.Length, MaxChars));
        return string.Create(span.Length, text, static (target, source) =>
        {
            var previousSpace = false;
            var n = 0;
            for (var i = 0; i < target.Length; i++)
            {
                var c = char.ToLowerInvariant(Width.Fold(source[i]));
                var space = char.IsWhiteSpace(c);
                c = space ? ' ' : c;
                if (space && previousSpace)
                {
                    continue;
                }

                previousSpace = space;
                target[n++] = c;
            }

            target[n..].Fill(' ');
        }).TrimEnd();
    }
}
