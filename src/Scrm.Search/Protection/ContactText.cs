using Scrm.Platform.Contacts;

namespace Scrm.Search.Protection;

/// <summary>A phone number or e-mail address found in text: where it is and its normalised form (E.164, lower-case address).</summary>
internal readonly record struct ContactSpan(int Start, int Length, string Value, bool IsPhone)
{
    public int End => Start + Length;
}

/// <summary>
/// Finds phone numbers and e-mail addresses in free text, however people write them: full-width
/// digits, <c>+86</c>/<c>0086</c>/<c>(+86)</c> prefixes, digits grouped by spaces, dashes or dots,
/// landlines with area codes. Only what <see cref="Phone"/> and <see cref="Email"/> accept counts,
/// so dates, amounts and order numbers are left alone.
/// </summary>
internal static class ContactText
{
    // A run longer than this many digit groups is tried in windows of at most this many groups.
    private const int MaxGroups = 8;
    private const int MinDigits = 8;

    public static List<ContactSpan> Find(string text)
    {
        var spans = new List<ContactSpan>();
        if (string.IsNullOrEmpty(text))
        {
            return spans;
        }

        // Full-width forms fold one character to one, so offsets in the folded copy are offsets in the text.
        var folded = Width.Fold(text);
        FindEmails(folded, spans);
        FindPhones(folded, spans);
        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        return spans;
    }

    private static void FindEmails(string text, List<ContactSpan> spans)
    {
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0; at = text.IndexOf('@', at + 1))
        {
            var start = at;
            while (start > 0 && IsLocalChar(text[start - 1]))
            {
                start--;
            }

            var end = at + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '.'))
            {
                end++;
            }

            while (start < at && text[start] == '.')
            {
                start++;
            }

            while (end > at + 1 && text[end - 1] is '.' or '-')
            {
                end--;
            }

            if (start < at && Email.Normalize(text[start..end]).Address is { } address)
            {
                spans.Add(new ContactSpan(start, end - start, address, IsPhone: false));
            }
        }
    }

    private static void FindPhones(string text, List<ContactSpan> spans)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!StartsRun(text, i))
            {
                i++;
                continue;
            }

            var groups = new List<(int Start, int End)>();
            var j = i;
            while (j < text.Length && IsRunChar(text[j]))
            {
                if (char.IsAsciiDigit(text[j]))
                {
                    var start = j;
                    while (j < text.Length && char.IsAsciiDigit(text[j]))
                    {
                        j++;
                    }

                    groups.Add((start, j));
                }
                else
                {
                    j++;
                }
            }

            Phones(text, i, groups, spans);
            i = Math.Max(j, i + 1);
        }
    }

    /// <summary>The longest windows of consecutive digit groups that make a phone number, left to right.</summary>
    private static void Phones(string text, int runStart, List<(int Start, int End)> groups, List<ContactSpan> spans)
    {
        var g = 0;
        while (g < groups.Count)
        {
            var found = false;
            for (var last = Math.Min(groups.Count - 1, g + MaxGroups - 1); last >= g && !found; last--)
            {
                var digits = 0;
                for (var k = g; k <= last; k++)
                {
                    digits += groups[k].End - groups[k].Start;
                }

                // Shorter than any number Phone accepts as a landline or mobile with its area code, or longer than E.164.
                if (digits is < MinDigits or > 20)
                {
                    continue;
                }

                // The window starts at its first digit, or at a '+' or '(' just before it.
                var start = groups[g].Start;
                var lower = g == 0 ? runStart : groups[g - 1].End;
                while (start > lower && text[start - 1] is '+' or '(')
                {
                    start--;
                }

                var end = groups[last].End;
                if (end < text.Length && text[end] == ')' && text.IndexOf('(', start, end - start) >= 0)
                {
                    end++;
                }

                if (Phone.Normalize(text[start..end]) is { E164: { } e164, Kind: PhoneKind.Mobile or PhoneKind.Landline or PhoneKind.International })
                {
                    spans.Add(new ContactSpan(start, end - start, e164, IsPhone: true));
                    g = last + 1;
                    found = true;
                }
            }

            if (!found)
            {
                g++;
            }
        }
    }

    private static bool StartsRun(string text, int i) =>
        char.IsAsciiDigit(text[i])
            || text[i] is '+' or '(' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '+');

    private static bool IsRunChar(char c) => char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')' or '+' or '\u00A0';

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~-.".Contains(c, StringComparison.Ordinal);
}
