using System.Text;
using Scrm.Platform.Security;
using Scrm.Platform.Contacts;

namespace Scrm.Search.Protection;

/// <summary>
/// The protected fields of an index document, declared once for every document type and engine.
/// Contact data never enters the searchable text or the stored excerpt: wherever a phone number or
/// an e-mail address appears in the title, the text or the author's name, it is replaced by its
/// masked form (the customer view's rule, <see cref="Masking"/>) and kept, normalised, in
/// <see cref="SearchDocument.Contacts"/> — the one protected field, which only roles allowed to see
/// contacts can search and see in full.
/// </summary>
internal static class DocumentProtection
{
    public static SearchDocument Protect(SearchDocument d)
    {
        var contacts = new List<string>(d.Contacts.Count + 2);
        foreach (var contact in d.Contacts)
        {
            if (Normalise(contact) is { } value && !contacts.Contains(value, StringComparer.Ordinal))
            {
                contacts.Add(value);
            }
        }

        var title = Clean(d.Title, contacts);
        var text = Clean(d.Text, contacts) ?? "";
        var author = Clean(d.AuthorName, contacts);
        return ReferenceEquals(title, d.Title) && ReferenceEquals(text, d.Text) && ReferenceEquals(author, d.AuthorName) && contacts.SequenceEqual(d.Contacts)
            ? d
            : d with { Title = title, Text = text, AuthorName = author, Contacts = contacts };
    }

    /// <summary>How a caller who may not see contacts sees one: <c>139****5678</c>, <c>x***@example.com</c>.</summary>
    public static string Mask(string contact) =>
        (contact.Contains('@', StringComparison.Ordinal) ? Masking.Email(contact) : Masking.Phone(contact)) ?? Masking.Hidden;

    /// <summary>The form contacts are indexed and searched by: E.164 for phones, the normalised address for e-mail.</summary>
    public static string? Normalise(string contact)
    {
        if (string.IsNullOrWhiteSpace(contact))
        {
            return null;
        }

        if (contact.Contains('@', StringComparison.Ordinal) || contact.Contains('\uFF20', StringComparison.Ordinal))
        {
            return Email.Normalize(contact).Address ?? contact.Trim();
        }

        return Phone.Normalize(contact)?.E164 ?? contact.Trim();
    }

    /// <summary>
    /// The text with its contact data masked (collected into <paramref name="contacts"/>) and every line
    /// break, tab or other control character as a single space; the same instance when there is nothing to change.
    /// </summary>
    public static string? Clean(string? text, List<string> contacts)
    {
        if (string.IsNullOrEmpty(text) || !NeedsWork(text))
        {
            return text;
        }

        var spans = ContactText.Find(text);
        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (var span in spans)
        {
            if (!contacts.Contains(span.Value, StringComparer.Ordinal))
            {
                contacts.Add(span.Value);
            }

            // A phone inside an e-mail address (13912345678@qq.com) is hidden by the address's mask.
            if (span.Start < at)
            {
                continue;
            }

            AppendSpaced(result, text.AsSpan(at, span.Start - at));
            result.Append(Mask(span.Value));
            at = span.End;
        }

        AppendSpaced(result, text.AsSpan(at));
        var cleaned = result.ToString().Trim();
        return cleaned == text ? text : cleaned;
    }

    private static void AppendSpaced(StringBuilder into, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (into.Length > 0 && into[^1] != ' ')
                {
                    into.Append(' ');
                }
            }
            else
            {
                into.Append(c);
            }
        }
    }

    /// <summary>Whether the text may hold contact data or characters that are not shown as they are (most text does not).</summary>
    private static bool NeedsWork(string text)
    {
        foreach (var c in text)
        {
            if (c is (>= '0' and <= '9') or (>= '\uFF10' and <= '\uFF19') or '@' or '\uFF20' || c != ' ' && (char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                return true;
            }
        }

        return false;
    }
}
