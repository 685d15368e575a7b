using Scrm.Platform.Text;

namespace Scrm.Platform.Contacts;

/// <summary>Normalises e-mail addresses: full-width forms, surrounding space and case.</summary>
public static class Email
{
    /// <summary>A refused address, framed for a field error: <c>{0}</c> is the reason <see cref="Normalize"/> gives.</summary>
    public static readonly UserText Refused = new("不是有效的邮箱地址：{0}", "{0}");

    /// <summary>The normalised address, or null with the reason it is refused.</summary>
    public static (string? Address, UserText? Error) Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return (null, Problems.Empty);
        }

        var address = Width.Fold(input).Trim().ToLowerInvariant();
        if (address.Length > 254)
        {
            return (null, Problems.TooLong);
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != address.LastIndexOf('@') || at == address.Length - 1)
        {
            return (null, Problems.NoAt);
        }

        var local = address.AsSpan(0, at);
        var domain = address.AsSpan(at + 1);
        if (local.Length > 64 || !IsDotAtom(local, LocalChar))
        {
            return (null, Problems.BadName);
        }

        if (!IsDotAtom(domain, DomainChar) || domain.IndexOf('.') < 0 || !IsTopLevel(domain[(domain.LastIndexOf('.') + 1)..]))
        {
            return (null, Problems.BadDomain);
        }

        return (address, null);
    }

    private static bool IsDotAtom(ReadOnlySpan<char> text, Func<char, bool> allowed)
    {
        if (text.IsEmpty || text[0] == '.' || text[^1] == '.')
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '.' ? text[i - 1] == '.' : !allowed(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool LocalChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~-".Contains(c, StringComparison.Ordinal);

    private static bool DomainChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    private static bool IsTopLevel(ReadOnlySpan<char> label)
    {
        if (label.Length < 2)
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    private static class Problems
    {
        public static readonly UserText Empty = new("为空", "is empty");
        public static readonly UserText TooLong = new("超过 254 个字符", "is longer than 254 characters");
        public static readonly UserText NoAt = new("不是邮箱地址（名称和域名之间需要恰好一个 @）", "is not an e-mail address (it needs exactly one @ between a name and a domain)");
        public static readonly UserText BadName = new("含有邮箱名称中不允许的字符", "has characters an e-mail name may not contain");
        public static readonly UserText BadDomain = new("域名无效", "does not have a valid domain");
    }
}
