using Scrm.Community.Classification;

namespace Scrm.Community.Knowledge;

/// <summary>
/// How well an article answers a text: the text's terms found in the article's title (weight 3),
/// tags (2) and body (1). Chinese is not segmented: a run of Han characters gives its character
/// pairs (a single character stands alone), other runs of letters and digits are words. Pure.
/// </summary>
internal static class ArticleMatch
{
    public static IReadOnlySet<string> Terms(string? text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        // Folding reads a bounded length at a time; a pair across two parts is the only thing lost.
        for (var at = 0; at < (text?.Length ?? 0); at += TextNormal.MaxChars)
        {
            Add(terms, TextNormal.Fold(text!.Substring(at, Math.Min(TextNormal.MaxChars, text.Length - at))));
        }

        return terms;
    }

    private static void Add(HashSet<string> terms, string folded)
    {
        var i = 0;
        while (i < folded.Length)
        {
            var start = i;
            if (IsHan(folded[i]))
            {
                while (i < folded.Length && IsHan(folded[i]))
                {
                    i++;
                }

                if (i - start == 1)
                {
                    terms.Add(folded[start..i]);
                }

                for (var j = start; j + 1 < i; j++)
                {
                    terms.Add(folded.Substring(j, 2));
                }
            }
            else if (char.IsLetterOrDigit(folded[i]))
            {
                while (i < folded.Length && char.IsLetterOrDigit(folded[i]) && !IsHan(folded[i]))
                {
                    i++;
                }

                terms.Add(folded[start..i]);
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>The article's score for the query's terms; <paramref name="labels"/> (an intent, topics) add 2 each when the article is tagged with them.</summary>
    public static int Score(IReadOnlySet<string> query, ArticleTerms article, IEnumerable<string>? labels = null)
    {
        var score = 0;
        foreach (var term in query)
        {
            score += article.Title.Contains(term) ? 3 : article.Tags.Contains(term) ? 2 : article.Body.Contains(term) ? 1 : 0;
        }

        foreach (var label in labels ?? [])
        {
            score += article.Labels.Contains(label) ? 2 : 0;
        }

        return score;
    }

    public static ArticleTerms Of(string title, string body, IReadOnlyList<string> tags) =>
        new(Terms(title), Terms(string.Join(' ', tags)), Terms(body), new HashSet<string>(tags, StringComparer.Ordinal));

    private static bool IsHan(char c) => c is >= '\u3400' and <= '\u9fff' or >= '\uf900' and <= '\ufaff';
}

/// <summary>An article's terms by where they stand, and its tags as given (matched against intents and topics).</summary>
internal sealed record ArticleTerms(IReadOnlySet<string> Title, IReadOnlySet<string> Tags, IReadOnlySet<string> Body, IReadOnlySet<string> Labels);
