namespace Scrm.Search;

/// <summary>
/// One word or quoted phrase of a user's query, matched as a phrase of its analysed tokens; or a
/// phone number or e-mail address (<paramref name="Contact"/>, normalised), matched against the
/// protected contacts only for callers allowed to see them.
/// </summary>
internal sealed record QueryClause(string Text, bool Exclude, string? Contact = null);

/// <summary>
/// Splits what a user typed into clauses. There is no operator syntax besides quotes and a leading
/// minus: wildcards, field names, ranges, regexes and boolean words are plain text, so input can
/// never reach an engine as query syntax.
/// </summary>
internal static class QueryText
{
    public const int MaxLength = 500;
    public const int MaxClauses = 32;

    public static IReadOnlyList<QueryClause> Parse(string? text)
    {
        var clauses = new List<QueryClause>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return clauses;
        }

        // Phone numbers and e-mail addresses are taken out first, however they are spaced (139 1234 5678).
        var contacts = Protection.ContactText.Find(text);
        if (contacts.Count > 0)
        {
            var rest = text.ToCharArray();
            var end = 0;
            foreach (var contact in contacts)
            {
                // A phone inside an e-mail address (13912345678@qq.com) is part of the address.
                if (contact.Start < end)
                {
                    continue;
                }

                end = contact.End;
                var exclude = contact.Start > 0 && rest[contact.Start - 1] == '-' && (contact.Start == 1 || IsSpace(rest[contact.Start - 2]));
                if (clauses.All(c => c.Contact != contact.Value))
                {
                    clauses.Add(new QueryClause(text.Substring(contact.Start, contact.Length), exclude, contact.Value));
                }

                Array.Fill(rest, ' ', exclude ? contact.Start - 1 : contact.Start, contact.Length + (exclude ? 1 : 0));
            }

            text = new string(rest);
        }

        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length && clauses.Count < MaxClauses)
        {
            while (i < span.Length && IsSpace(span[i]))
            {
                i++;
            }

            if (i == span.Length)
            {
                break;
            }

            var exclude = false;
            if (span[i] == '-' && i + 1 < span.Length && !IsSpace(span[i + 1]))
            {
                exclude = true;
                i++;
            }

            int start, end;
            if (IsQuote(span[i]))
            {
                start = ++i;
                while (i < span.Length && !IsQuote(span[i]))
                {
                    i++;
                }

                // An unbalanced quote runs to the end of the input.
                end = i;
                i = Math.Min(i + 1, span.Length);
            }
            else
            {
                start = i;
                while (i < span.Length && !IsSpace(span[i]) && !IsQuote(span[i]))
                {
                    i++;
                }

                end = i;
            }

            var clause = span[start..end].Trim().ToString();
            if (clause.Length > 0)
            {
                clauses.Add(new QueryClause(clause, exclude));
            }
        }

        return clauses;
    }

    private static bool IsSpace(char c) => char.IsWhiteSpace(c);

    private static bool IsQuote(char c) => c is '"' or '\u201C' or '\u201D' or '\uFF02';
}

/// <summary>Scripts written without spaces, which the index cuts into overlapping pairs of characters.</summary>
internal static class Cjk
{
    public static bool IsCjk(char c) =>
        c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF')
            or (>= '\u3040' and <= '\u309F') or (>= '\u30A0' and <= '\u30FF') or (>= '\uAC00' and <= '\uD7AF')
            or (>= '\uFF66' and <= '\uFF9F');

    /// <summary>
    /// True when the text has a CJK character with no CJK neighbour: the pair index cannot find it,
    /// so the query must use the single-character subfield.
    /// </summary>
    public static bool HasLoneCharacter(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsCjk(text[i]) && !(i > 0 && IsCjk(text[i - 1])) && !(i + 1 < text.Length && IsCjk(text[i + 1])))
            {
                return true;
            }
        }

        return false;
    }
}
