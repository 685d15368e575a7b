using System.Globalization;

namespace Scrm.Customers.Protection;

/// <summary>Masked forms of protected values: enough to recognise, not enough to use.</summary>
public static class Masking
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
            if (!Identity.PhoneKeys.IsChinaMobile(digits))
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
}

/// <summary>How a caller may see protected fields of one customer.</summary>
public readonly record struct FieldAccess(bool Unmasked, bool AuditRead);

/// <summary><c>Scrm:Customers:Protection</c>: which roles see phone numbers, e-mail addresses and amounts in full.</summary>
public sealed class ProtectionOptions
{
    public const string Section = "Scrm:Customers:Protection";

    public List<string> UnmaskedRoles { get; set; } = ["admin", "sales"];
}

public static class FieldPolicy
{
    /// <summary>
    /// Roles outside <see cref="ProtectionOptions.UnmaskedRoles"/> see masked values. A role that may
    /// see them does, and the read is audited unless the caller owns the customer.
    /// </summary>
    public static FieldAccess Decide(string? role, string? caller, string? owner, IReadOnlyCollection<string> unmaskedRoles)
    {
        if (role is null || !unmaskedRoles.Contains(role))
        {
            return new FieldAccess(Unmasked: false, AuditRead: false);
        }

        var isOwner = owner is not null && caller is not null && string.Equals(owner, caller, StringComparison.Ordinal);
        return new FieldAccess(Unmasked: true, AuditRead: !isOwner);
    }
}
