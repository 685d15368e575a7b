namespace Scrm.Search.Lucene;

/// <summary>
/// Finds where a document's text matches the query's clauses (whole phrases, by re-analysing the
/// text with offsets) and cuts an excerpt around the first match.
/// </summary>
internal sealed class Snippets(CrmAnalyzer pairs, CrmAnalyzer singles)
{
    public const int Window = 160;
    private const int Lead = 40;
    private const char Ellipsis = '\u2026';

    public Snippet Build(string text, IReadOnlyList<AnalysedClause> clauses)
    {
        var spans = Matches(text, clauses);
        return Cut(text, spans);
    }

    /// <summary>Character ranges of <paramref name="text"/> that match a (non-excluded) clause, merged and in order.</summary>
    public List<TextRange> Matches(string text, IReadOnlyList<AnalysedClause> clauses)
    {
        var spans = new List<(int Start, int End)>();
        List<AnalysedToken>? pairTokens = null, singleTokens = null;
        foreach (var clause in clauses)
        {
            if (clause.Exclude || clause.Contact is not null)
            {
                continue;
            }

            var tokens = clause.Unigram
                ? singleTokens ??= singles.Tokens(LuceneFields.TextUni, text)
                : pairTokens ??= pairs.Tokens(LuceneFields.Text, text);
            Find(tokens, clause, spans);
        }

        spans.Sort();
        var merged = new List<TextRange>();
        foreach (var (start, end) in spans)
        {
            if (merged.Count > 0 && start <= merged[^1].Start + merged[^1].Length)
            {
                var last = merged[^1];
                merged[^1] = last with { Length = Math.Max(last.Start + last.Length, end) - last.Start };
            }
            else
            {
                merged.Add(new TextRange(start, end - start));
            }
        }

        return merged;
    }

    private static void Find(List<AnalysedToken> tokens, AnalysedClause clause, List<(int, int)> spans)
    {
        var byPosition = new Dictionary<int, int>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            byPosition.TryAdd(tokens[i].Position, i);
        }

        var (first, _) = clause.Terms[0];
        foreach (var token in tokens)
        {
            if (!string.Equals(token.Term, first, StringComparison.Ordinal))
            {
                continue;
            }

            var end = token.End;
            var all = true;
            for (var j = 1; j < clause.Terms.Count && all; j++)
            {
                var (term, offset) = clause.Terms[j];
                all = byPosition.TryGetValue(token.Position + offset, out var k) && string.Equals(tokens[k].Term, term, StringComparison.Ordinal);
                if (all)
                {
                    end = Math.Max(end, tokens[k].End);
                }
            }

            if (all)
            {
                spans.Add((token.Start, end));
            }
        }
    }

    /// <summary>The whole text when short, else a window that starts a little before the first match.</summary>
    internal static Snippet Cut(string text, IReadOnlyList<TextRange> matches)
    {
        if (text.Length <= Window)
        {
            return new Snippet(text, matches);
        }

        var start = matches.Count == 0 ? 0 : Math.Max(0, matches[0].Start - Lead);
        start = Math.Min(start, text.Length - Window);
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start--;
        }

        var end = start + Window;
        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end++;
        }

        var prefix = start > 0 ? 1 : 0;
        var excerpt = (prefix == 1 ? Ellipsis.ToString() : "") + text[start..end] + (end < text.Length ? Ellipsis.ToString() : "");
        var highlights = new List<TextRange>();
        foreach (var m in matches)
        {
            var s = Math.Max(m.Start, start);
            var e = Math.Min(m.Start + m.Length, end);
            if (e > s)
            {
                highlights.Add(new TextRange(s - start + prefix, e - s));
            }
        }

        return new Snippet(excerpt, highlights);
    }
}
