using System.Text;
using System.Text.RegularExpressions;

namespace Scrm.Connectors.Crawler.Crawling;

/// <summary>
/// Which encoding a page is in, the way browsers decide (WHATWG "determine the character
/// encoding", simplified): a byte-order mark, then the Content-Type charset, then a
/// <c>&lt;meta charset&gt;</c> or <c>http-equiv</c> declaration in the first 1,024 bytes, else UTF-8.
/// Many Chinese sites still serve GBK or GB2312 declared only in the page; both are read as
/// GB18030, their superset.
/// </summary>
internal static partial class HtmlEncoding
{
    private const int PrescanBytes = 1024;

    static HtmlEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(ReadOnlySpan<byte> bytes, string? headerCharset)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }

        var encoding = Find(headerCharset) ?? Find(Declared(bytes)) ?? Encoding.UTF8;
        return encoding.GetString(bytes);
    }

    /// <summary>The charset a meta tag near the top of the page declares, if any.</summary>
    internal static string? Declared(ReadOnlySpan<byte> bytes)
    {
        // Declarations are ASCII; Latin-1 maps every byte to one char, so multi-byte text cannot confuse the scan.
        var head = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, PrescanBytes)]);
        var match = MetaCharset().Match(head);
        return match.Success ? match.Groups["charset"].Value : null;
    }

    private static Encoding? Find(string? charset)
    {
        var name = charset?.Trim().Trim('"', '\'').ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        try
        {
            return name switch
            {
                "gb2312" or "gbk" or "x-gbk" or "gb_2312-80" or "cp936" or "windows-936" => Encoding.GetEncoding("GB18030"),
                // A page cannot declare itself UTF-16 in ASCII bytes; browsers read that as UTF-8.
                "utf-16" or "utf-16le" or "utf-16be" => Encoding.UTF8,
                _ => Encoding.GetEncoding(name),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            // Unknown, or known but refused (UTF-7): as browsers do, fall back to the next source.
            return null;
        }
    }

    [GeneratedRegex("""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*(?<charset>[A-Za-z0-9_\-:.]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex MetaCharset();
}
