using System.Text;

namespace Scrm.Platform.Contacts;

/// <summary>What a phone number turned out to be.</summary>
public enum PhoneKind
{
    /// <summary>A mainland China mobile number (+86 1[3-9]x xxxx xxxx).</summary>
    Mobile,
    /// <summary>A mainland China landline with its area code.</summary>
    Landline,
    /// <summary>A number given with another country's code, kept as given.</summary>
    International,
    /// <summary>A 400/800 service number: shared by a whole company, so never an identity.</summary>
    Service,
    /// <summary>Digits that do not make a number we can place; kept raw, never guessed.</summary>
    Unknown,
}

/// <summary>A phone as given and, where it can be known without guessing, as E.164.</summary>
public sealed record NormalizedPhone(string Raw, string? E164, PhoneKind Kind);

/// <summary>
/// Normalises the ways Chinese customers write phone numbers: full-width digits, +86 / 0086 /
/// (+86) prefixes, spaces, dashes and dots, landlines with or without the trunk 0.
/// </summary>
public static class Phone
{
    /// <summary>Returns null when the text is not a phone number at all (letters, formulas, too few digits).</summary>
    public static NormalizedPhone? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }

        var raw = input.Trim();
        var text = Width.Fold(raw);
        var digits = new StringBuilder(text.Length);
        var plus = false;
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
            }
            else if (c == '+' && digits.Length == 0 && !plus)
            {
                plus = true;
            }
            else if (c is not (' ' or '-' or '(' or ')' or '.' or '\u00A0'))
            {
                return null;
            }
        }

        if (digits.Length is < 5 or > 20)
        {
            return null;
        }

        var number = digits.ToString();
        string national;
        var hadCountryCode = true;
        if (number.StartsWith("0086", StringComparison.Ordinal))
        {
            national = number[4..];
        }
        else if (plus && number.StartsWith("86", StringComparison.Ordinal))
        {
            national = number[2..];
        }
        else if (plus)
        {
            return number.Length is >= 8 and <= 15
                ? new NormalizedPhone(raw, "+" + number, PhoneKind.International)
                : new NormalizedPhone(raw, null, PhoneKind.Unknown);
        }
        else if (number.Length == 13 && number.StartsWith("86", StringComparison.Ordinal) && IsMobile(number[2..]))
        {
            national = number[2..];
        }
        else
        {
            national = number;
            hadCountryCode = false;
        }

        if (IsMobile(national))
        {
            return new NormalizedPhone(raw, "+86" + national, PhoneKind.Mobile);
        }

        if (national.StartsWith("400", StringComparison.Ordinal) || national.StartsWith("800", StringComparison.Ordinal))
        {
            return new NormalizedPhone(raw, null, PhoneKind.Service);
        }

        // Landlines: 0 + area code (10, 2x: two digits; others three) + 7–8 local digits.
        // The trunk 0 is dropped after +86, so both spellings are accepted there.
        var withoutTrunk = national.StartsWith('0') ? national[1..] : hadCountryCode ? national : null;
        if (withoutTrunk is not null && IsLandline(withoutTrunk))
        {
            return new NormalizedPhone(raw, "+86" + withoutTrunk, PhoneKind.Landline);
        }

        return new NormalizedPhone(raw, null, PhoneKind.Unknown);
    }

    private static bool IsMobile(string national) =>
        national.Length == 11 && national[0] == '1' && national[1] is >= '3' and <= '9';

    private static bool IsLandline(string withoutTrunk)
    {
        if (withoutTrunk.Length == 0 || withoutTrunk[0] == '0' || withoutTrunk[0] == '1' && withoutTrunk.Length > 1 && withoutTrunk[1] != '0')
        {
            return false;
        }

        var areaLength = withoutTrunk.StartsWith("10", StringComparison.Ordinal) || withoutTrunk[0] == '2' ? 2 : 3;
        var local = withoutTrunk.Length - areaLength;
        return local is 7 or 8 && withoutTrunk[areaLength] != '0';
    }
}
