using System.Globalization;
using System.Text;
using Scrm.Platform.Contacts;

namespace Scrm.Platform.Tables;

/// <summary>A field an import understands: its canonical name and the headers people give it (Chinese first, English aliases).</summary>
public sealed record ImportField(string Name, string Chinese, params string[] Aliases);

/// <summary>How one header of an uploaded file was understood: the field it fills, or none.</summary>
public sealed record ColumnMapping(int Index, string Header, string? Field);

/// <summary>The header row understood: each column's field, the headers nobody knows and fields named twice.</summary>
public sealed record HeaderMapping(IReadOnlyList<ColumnMapping> Columns, IReadOnlyList<string> Unknown, IReadOnlyList<string> Repeated)
{
    public bool Complete => Unknown.Count == 0 && Repeated.Count == 0;
}

/// <summary>
/// Maps the header row of an uploaded table to fields. Headers are compared folded: full-width to
/// half-width, case, spaces, underscores, dashes and a required-marker <c>*</c> ignored, and a unit in
/// brackets dropped (<c>金额（元）</c> is <c>金额</c>), so <c>订单号</c>, <c>Order ID</c> and
/// <c>order_id</c> are one field.
/// </summary>
public static class Columns
{
    public static HeaderMapping Map(IReadOnlyList<string> header, IReadOnlyList<ImportField> fields)
    {
        var byKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            foreach (var name in field.Aliases.Append(field.Name).Append(field.Chinese))
            {
                byKey.TryAdd(Key(name), field.Name);
            }
        }

        var columns = new List<ColumnMapping>(header.Count);
        var unknown = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = new List<string>();
        for (var i = 0; i < header.Count; i++)
        {
            var text = header[i].Trim();
            var field = byKey.GetValueOrDefault(Key(text));
            if (field is null)
            {
                if (text.Length > 0)
                {
                    unknown.Add(text);
                }
            }
            else if (!seen.Add(field))
            {
                repeated.Add(field);
            }

            columns.Add(new ColumnMapping(i, text, field));
        }

        return new HeaderMapping(columns, unknown, repeated);
    }

    /// <summary>The folded form headers are compared in.</summary>
    public static string Key(string header)
    {
        var text = Width.Fold(header.Trim().TrimStart('\uFEFF'));
        var bracket = text.IndexOfAny(['(', '（', '[', '【']);
        if (bracket > 0)
        {
            text = text[..bracket];
        }

        var key = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is not (' ' or '_' or '-' or '*' or '.' or '\u3000'))
            {
                key.Append(char.ToLowerInvariant(c));
            }
        }

        return key.ToString();
    }

    /// <summary>The accepted headers for a message: <c>姓名 (name)</c>, ….</summary>
    public static string Describe(IReadOnlyList<ImportField> fields) => string.Join("、", fields.Select(f => $"{f.Chinese} ({f.Name})"));
}

/// <summary>Values as offices write them in spreadsheets: amounts with currency signs and grouping, times in local forms.</summary>
public static class CellValues
{
    private static readonly string[] LocalFormats =
    [
        "yyyy-M-d", "yyyy-M-d H:mm", "yyyy-M-d H:mm:ss", "yyyy-M-d'T'H:mm", "yyyy-M-d'T'H:mm:ss", "yyyy-M-d'T'H:mm:ss.FFFFFFF",
        "yyyy/M/d", "yyyy/M/d H:mm", "yyyy/M/d H:mm:ss",
        "yyyy.M.d", "yyyy.M.d H:mm", "yyyy.M.d H:mm:ss",
        "yyyy年M月d日", "yyyy年M月d日 H:mm", "yyyy年M月d日 H:mm:ss", "yyyy年M月d日H:mm", "yyyy年M月d日H时m分", "yyyy年M月d日 H时m分",
    ];

    /// <summary>An amount: <c>¥1,280.50</c>, <c>1280.5元</c>, <c>１２８０</c>; null when it is not one.</summary>
    public static decimal? Amount(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var folded = Width.Fold(text).Trim().TrimStart('¥', '￥', '$').TrimEnd('元').Replace(",", "", StringComparison.Ordinal).Trim();
        if (folded.StartsWith("CNY", StringComparison.OrdinalIgnoreCase) || folded.StartsWith("RMB", StringComparison.OrdinalIgnoreCase))
        {
            folded = folded[3..].Trim();
        }

        return decimal.TryParse(folded, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) ? amount : null;
    }

    /// <summary>A time: ISO 8601 with or without an offset, or the local forms offices write; without an offset it is <paramref name="offset"/>.</summary>
    public static DateTimeOffset? Time(string? text, TimeSpan offset)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var folded = Width.Fold(text).Trim();
        if (HasOffset(folded) && DateTimeOffset.TryParse(folded, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            return withOffset;
        }

        return DateTime.TryParseExact(folded, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset)
            : null;
    }

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            return true;
        }

        var t = text.IndexOf('T', StringComparison.Ordinal);
        var timePart = t >= 0 ? text[(t + 1)..] : text.Contains(' ', StringComparison.Ordinal) ? text[(text.IndexOf(' ', StringComparison.Ordinal) + 1)..] : "";
        return timePart.Contains('+', StringComparison.Ordinal) || timePart.Contains('-', StringComparison.Ordinal);
    }
}
