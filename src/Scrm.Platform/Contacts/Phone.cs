using System.Globalization;
using PhoneNumbers;
using Scrm.Platform.Text;

namespace Scrm.Platform.Contacts;

/// <summary>What a phone number turned out to be.</summary>
public enum PhoneKind
{
    /// <summary>A mainland China mobile number (+86 1[3-9]x xxxx xxxx).</summary>
    Mobile,
    /// <summary>A mainland China landline with its area code.</summary>
    Landline,
    /// <summary>A valid number of another country, kept as E.164.</summary>
    International,
    /// <summary>A 400/800 (or another country's toll-free or shared-cost) number: shared by a whole company, so never an identity.</summary>
    Service,
    /// <summary>Digits that do not make a number we can place; kept raw, never guessed. <see cref="NormalizedPhone.Problem"/> says why.</summary>
    Unknown,
}

/// <summary>A phone as given and, where it can be known without guessing, as E.164.</summary>
/// <param name="Problem">For <see cref="PhoneKind.Unknown"/>: why the digits are not a number we can place.</param>
public sealed record NormalizedPhone(string Raw, string? E164, PhoneKind Kind, UserText? Problem = null);

/// <summary>
/// Reads phone numbers the ways Chinese customers write them (full-width digits, +86 / 0086 / (+86)
/// prefixes, spaces, dashes and dots, landlines with or without the trunk 0 after +86) and validates
/// them by country and type with Google's libphonenumber: mainland mobiles by the 1[3-9]x rule,
/// landlines by their area code's length, other countries by their own numbering plans.
/// </summary>
public static class Phone
{
    /// <summary>A refused number, framed for a field error: <c>{0}</c> is the reason <see cref="Check"/> gives.</summary>
    public static readonly UserText Refused = new("不是有效的电话号码：{0}", "{0}");

    private const string China = "CN";
    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// Returns null when the text is not a phone number at all (letters, formulas, too few digits);
    /// otherwise the number, of kind <see cref="PhoneKind.Unknown"/> (with its problem) when it cannot be placed.
    /// </summary>
    public static NormalizedPhone? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }

        var raw = input.Trim();
        var text = Width.Fold(raw);
        if (Scan(text) is not (>= 5 and <= 20))
        {
            return null;
        }

        PhoneNumber number;
        try
        {
            number = Numbers.ParseAndKeepRawInput(text, China);
        }
        catch (NumberParseException ex)
        {
            return Unknown(raw, ex.ErrorType == ErrorType.INVALID_COUNTRY_CODE
                ? new UserText("+ 号后面不是国家或地区代码（中国大陆为 +86）", "does not start with a country calling code after the + (+86 for the mainland)")
                : new UserText("不是任何国家或地区编号规则内的电话号码", "is not a phone number in any country's numbering plan"));
        }

        return number.CountryCode == 86 ? Mainland(raw, text, number) : Abroad(raw, number);
    }

    /// <summary>
    /// For what a person types (a form, an import, a rep entering a lead): the number, or why it is
    /// refused. Service numbers are accepted (kept as given, never an identity); numbers that cannot be
    /// placed are refused with the reason. An empty value is neither.
    /// </summary>
    public static (NormalizedPhone? Phone, UserText? Error) Check(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return (null, null);
        }

        return Normalize(input) switch
        {
            null when Scan(Width.Fold(input)) is var digits and >= 0 =>
                (null, digits < 5
                    ? new UserText($"只有 {digits} 位数字，电话号码位数太少（大陆手机号为 11 位）", $"has {digits} digits: too few for a phone number (a mainland mobile number has 11)")
                    : new UserText($"有 {digits} 位数字，电话号码位数太多（大陆手机号为 11 位）", $"has {digits} digits: too many for a phone number (a mainland mobile number has 11)")),
            null => (null, new UserText("只能包含数字、空格、短横线、点、括号和开头的 +", "is not a phone number: only digits, spaces, dashes, dots, brackets and a leading + may be used")),
            { Kind: PhoneKind.Unknown, Problem: var problem } => (null, problem),
            var phone => (phone, null),
        };
    }

    /// <summary>How many digits the text has, or -1 when it has anything but digits, separators and one leading +.</summary>
    private static int Scan(string text)
    {
        var digits = 0;
        var plus = false;
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9')
            {
                digits++;
            }
            else if (c == '+' && digits == 0 && !plus)
            {
                plus = true;
            }
            else if (c is not (' ' or '-' or '(' or ')' or '.' or '\u00A0'))
            {
                // Letters would be read as keypad digits (1-800-FLOWERS); anything else is not a number someone wrote.
                return -1;
            }
        }

        return digits;
    }

    /// <summary>Where a mainland mobile or landline is registered (province and city), from libphonenumber's offline data.</summary>
    public static PhoneRegion? Region(string? e164) => PhoneRegions.Of(e164);

    private static NormalizedPhone Mainland(string raw, string text, PhoneNumber number)
    {
        var national = number.NationalNumber.ToString(CultureInfo.InvariantCulture);
        // The 1[3-9]x rule rather than the library's list of allocated ranges: a newly allocated range
        // reaches the metadata months after customers start giving those numbers.
        if (national.Length == 11 && national[0] == '1' && national[1] is >= '3' and <= '9')
        {
            return new NormalizedPhone(raw, "+86" + national, PhoneKind.Mobile);
        }

        var type = Numbers.GetNumberType(number);
        if (type is PhoneNumberType.TOLL_FREE or PhoneNumberType.SHARED_COST or PhoneNumberType.PREMIUM_RATE or PhoneNumberType.UAN
            || national.StartsWith("400", StringComparison.Ordinal) || national.StartsWith("800", StringComparison.Ordinal))
        {
            return new NormalizedPhone(raw, null, PhoneKind.Service);
        }

        var withCountry = number.CountryCodeSource != PhoneNumber.Types.CountryCodeSource.FROM_DEFAULT_COUNTRY;
        var trunk = !withCountry && FirstDigit(text) == '0';
        if (type is PhoneNumberType.FIXED_LINE or PhoneNumberType.FIXED_LINE_OR_MOBILE && (trunk || withCountry)
            && national.Length - Numbers.GetLengthOfGeographicalAreaCode(number) is 7 or 8)
        {
            return new NormalizedPhone(raw, "+86" + national, PhoneKind.Landline);
        }

        return Unknown(raw, MainlandProblem(national, trunk, withCountry));
    }

    private static UserText MainlandProblem(string national, bool trunk, bool withCountry)
    {
        if (!trunk && national[0] == '1' && !(withCountry && national.StartsWith("10", StringComparison.Ordinal)))
        {
            return national.Length == 11
                ? new UserText("不是大陆手机号：手机号以 13 至 19 开头（1[3-9]x xxxx xxxx）", "is not a mainland mobile number: they start 13 to 19 (1[3-9]x xxxx xxxx)")
                : new UserText(
                    $"{(withCountry ? "+86 后有" : "有")} {national.Length} 位数字：大陆手机号为 11 位（1[3-9]x xxxx xxxx），固定电话以区号开头（010-8888 6666）",
                    $"has {national.Length} digits{(withCountry ? " after +86" : "")}: a mainland mobile number has 11 (1[3-9]x xxxx xxxx), and a landline starts with its area code (010-8888 6666)");
        }

        return trunk || withCountry
            ? new UserText("不是大陆固定电话：区号（010、021、0755…）后应为该地区使用的 7 位或 8 位本地号码", "is not a mainland landline: its area code (010, 021, 0755…) is followed by a local number of 7 or 8 digits, as that area uses")
            : new UserText("既不是大陆手机号（11 位，1[3-9]x），也不是带区号的固定电话（010-8888 6666）；境外号码以 + 和国家或地区代码开头", "is neither a mainland mobile number (11 digits, 1[3-9]x) nor a landline with its area code (010-8888 6666); a number from abroad starts with + and its country code");
    }

    private static char FirstDigit(string text)
    {
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                return c;
            }
        }

        return '\0';
    }

    private static NormalizedPhone Abroad(string raw, PhoneNumber number)
    {
        var code = "+" + number.CountryCode.ToString(CultureInfo.InvariantCulture);
        if (Numbers.IsValidNumber(number))
        {
            return Numbers.GetNumberType(number) is PhoneNumberType.TOLL_FREE or PhoneNumberType.SHARED_COST or PhoneNumberType.PREMIUM_RATE or PhoneNumberType.UAN
                ? new NormalizedPhone(raw, null, PhoneKind.Service)
                : new NormalizedPhone(raw, Numbers.Format(number, PhoneNumberFormat.E164), PhoneKind.International);
        }

        return Unknown(raw, Numbers.IsPossibleNumberWithReason(number) switch
        {
            PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => new UserText($"{code} 不是国家或地区代码", $"{code} is not a country calling code"),
            PhoneNumberUtil.ValidationResult.TOO_SHORT => new UserText($"作为 {code} 号码位数太少", $"is too short for a {code} number"),
            PhoneNumberUtil.ValidationResult.TOO_LONG => new UserText($"作为 {code} 号码位数太多", $"is too long for a {code} number"),
            PhoneNumberUtil.ValidationResult.INVALID_LENGTH => new UserText($"位数与 {code} 号码的位数不符", $"does not have the number of digits a {code} number has"),
            _ => new UserText($"不是 {code} 编号规则内的号码", $"is not a number in the {code} numbering plan"),
        });
    }

    private static NormalizedPhone Unknown(string raw, UserText problem) => new(raw, null, PhoneKind.Unknown, problem);
}
