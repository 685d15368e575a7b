using System.Globalization;
using System.Text.RegularExpressions;

namespace Scrm.Platform.Security;

/// <summary>Masked forms of protected values: enough to recognise, not enough to use. The one masking rule every module applies.</summary>
public static partial class Masking
{
    public const string Hidden = "***";

    /// <summary>
    /// The national number with its middle hidden: <c>+8613800138000</c> → <c>138****8000</c>,
    /// <c>+861088886666</c> → <c>010****6666</c>; numbers too short to keep anything become <c>***</c>.
    /// </summary>
    public static string? Phone(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        var digits = new string([.. value.Where(char.IsAsciiDigit)]);
        if (value.StartsWith("+86", StringComparison.Ordinal))
        {
            digits = digits[2..];
            if (!(digits.Length == 11 && digits[0] == '1' && digits[1] is >= '3' and <= '9'))
            {
                digits = "0" + digits;
            }
        }

        return digits.Length >= 8 ? $"{digits[..3]}****{digits[^4..]}" : Hidden;
    }

    /// <summary><c>sales@example.com</c> → <c>s***@example.com</c>.</summary>
    public static string? Email(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        var at = value.LastIndexOf('@');
        return at <= 0 ? Hidden : $"{value[0]}***{value[at..]}";
    }

    /// <summary>Deal amounts are hidden entirely: a partial amount still tells its size.</summary>
    public static string Amount(long cents, bool masked) =>
        masked ? Hidden : (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A money amount, or <c>***</c> when masked (null stays null).</summary>
    public static string? Amount(decimal? amount, bool masked) =>
        amount is not { } a ? null : masked ? Hidden : a.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A street address keeps its first few characters (the district), the rest hidden.</summary>
    public static string? Address(string? value) =>
        string.IsNullOrEmpty(value) ? value : value.Length <= 6 ? Hidden : value[..6] + Hidden;

    /// <summary>
    /// Free text (a message, a snippet, a notification) with every phone number and e-mail address
    /// in it masked: runs of seven or more digits (spaces and dashes between them allowed) keep their
    /// first three and last four digits at most; e-mail addresses keep their first letter and domain.
    /// </summary>
    public static string? Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        var masked = EmailPattern().Replace(value, m => Email(m.Value)!);
        return DigitRun().Replace(masked, m =>
        {
            var digits = new string([.. m.Value.Where(char.IsAsciiDigit)]);
            return digits.Length >= 11 ? $"{digits[..3]}****{digits[^4..]}" : new string('*', digits.Length - 4) + digits[^4..];
        });
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\+?\d(?:[\s\-]?\d){6,}", RegexOptions.CultureInvariant)]
    private static partial Regex DigitRun();
}

/// <summary>How a caller may see the protected fields (phone, e-mail, amounts, addresses) of one record.</summary>
public readonly record struct FieldAccess(bool Unmasked, bool AuditRead)
{
    public bool Masked => !Unmasked;
}

/// <summary><c>Scrm:Access:Protection</c>: which roles see protected fields in full, and which may reveal them on request.</summary>
public sealed class ProtectionOptions
{
    public const string Section = "Scrm:Access:Protection";

    public List<string> UnmaskedRoles { get; set; } = [ScrmRoles.Admin, ScrmRoles.Sales];

    /// <summary>Roles that see masked values but may reveal one record's fields with a reason (audited).</summary>
    public List<string> RevealRoles { get; set; } = [ScrmRoles.Community, ScrmRoles.Marketer];
}

/// <summary>The field-protection rule: who sees which record's protected fields in full.</summary>
public static class FieldPolicy
{
    /// <summary>
    /// Records are only ever shown within the caller's data scope; within it, roles outside
    /// <see cref="ProtectionOptions.UnmaskedRoles"/> see masked values. A role that may see them
    /// does, and the read is audited unless the caller owns the record.
    /// </summary>
    public static FieldAccess Decide(Caller caller, string? owner, IReadOnlyCollection<string> unmaskedRoles)
    {
        if (!unmaskedRoles.Any(caller.IsIn))
        {
            return new FieldAccess(Unmasked: false, AuditRead: false);
        }

        return new FieldAccess(Unmasked: true, AuditRead: !string.Equals(owner, caller.Id, StringComparison.Ordinal));
    }

    /// <summary>Whether the caller may reveal a masked record's fields (with a reason, audited).</summary>
    public static bool MayReveal(Caller caller, ProtectionOptions options) =>
        options.UnmaskedRoles.Exists(caller.IsIn) || options.RevealRoles.Exists(caller.IsIn);
}
