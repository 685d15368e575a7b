using System.Text.RegularExpressions;
using Scrm.Platform.Contacts;

namespace Scrm.Connectors.Crawler.Extraction;

/// <summary>The contact details found in one block of text.</summary>
internal sealed record FoundContacts(IReadOnlyList<NormalizedPhone> Phones, IReadOnlyList<string> Emails, IReadOnlyList<string> Companies)
{
    public bool Any => Phones.Count > 0 || Emails.Count > 0;
}

/// <summary>
/// Rule-based contact extraction: phone numbers in Chinese and Western writing (normalised by
/// <see cref="Phone"/>, which never guesses), e-mail addresses (<see cref="Email"/>) and company
/// names by their legal suffixes (有限公司, 集团, Inc., Ltd., GmbH ...).
/// </summary>
internal static partial class ContactFinder
{
    public const int MaxPerKind = 10;

    public static FoundContacts Find(TextBlock block)
    {
        var text = Width.Fold(block.Text);
        var phones = new List<NormalizedPhone>();
        foreach (Match m in PhoneCandidate().Matches(text))
        {
            foreach (var candidate in Split(m.Value))
            {
                if (Phone.Normalize(candidate) is { Kind: not PhoneKind.Unknown } phone && phones.Count < MaxPerKind
                    && !phones.Any(p => Digits(p.Raw) == Digits(phone.Raw)))
                {
                    phones.Add(phone);
                }
            }
        }

        var emails = new List<string>();
        foreach (var raw in EmailCandidate().Matches(text).Select(m => m.Value).Concat(block.MailTo))
        {
            if (Email.Normalize(raw).Address is { } email && !emails.Contains(email) && emails.Count < MaxPerKind)
            {
                emails.Add(email);
            }
        }

        var companies = ChineseCompany().Matches(text).Concat(WesternCompany().Matches(text))
            .Select(m => m.Value.Trim())
            .Distinct(StringComparer.Ordinal)
            .Take(MaxPerKind)
            .ToList();
        return new FoundContacts(phones, emails, companies);
    }

    /// <summary>The whole run first; when that is not a number, its space-separated parts (two numbers side by side).</summary>
    private static IEnumerable<string> Split(string candidate)
    {
        if (Phone.Normalize(candidate) is { Kind: not PhoneKind.Unknown })
        {
            return [candidate];
        }

        return candidate.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(p => p.Count(char.IsAsciiDigit) >= 7);
    }

    private static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));

    [GeneratedRegex(@"(?<![A-Za-z0-9_+.@-])(?:\+|00)?\(?\+?\d[\d \-().]{5,22}\d(?![A-Za-z0-9_@])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PhoneCandidate();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailCandidate();

    [GeneratedRegex(@"[\u4e00-\u9fa5A-Za-z0-9()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ChineseCompany();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9&'\-]*(?: [A-Z][A-Za-z0-9&'\-]*){0,5},? (?:Inc\.|Ltd\.|LLC|GmbH|Corporation|Corp\.|Limited|Co\., Ltd\.)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex WesternCompany();
}
