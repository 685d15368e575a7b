using System.Globalization;
using System.IO.Compression;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;
using Scrm.Platform.Text;

namespace Scrm.Platform.Tables;

/// <summary>The two kinds of file people upload and download tables as.</summary>
public static class SheetFormats
{
    public const string Csv = "csv";
    public const string Xlsx = "xlsx";

    public const string CsvMediaType = "text/csv";
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/// <summary>One row of an uploaded table, numbered as a spreadsheet shows it (the header is row 1).</summary>
public sealed record SheetRow(int Row, IReadOnlyList<string> Cells);

/// <summary>An uploaded table: its format, the text encoding a CSV was read as, the header row and the rows after it.</summary>
public sealed record Sheet(string Format, string? Encoding, IReadOnlyList<string> Header, IReadOnlyList<SheetRow> Rows);

/// <summary>
/// Reads an uploaded table, CSV in any encoding <see cref="UploadText"/> reads or <c>.xlsx</c> (first
/// worksheet, through MiniExcel), into rows of text. Blank rows are skipped but keep their numbers
/// counted, so an error names the row a person sees in their spreadsheet. Bounded: at most
/// <c>maxRows</c> rows, and an <c>.xlsx</c> whose parts would unpack past a limit is refused unread.
/// </summary>
internal static class Sheets
{
    /// <summary>The unpacked size above which an .xlsx is refused before it is read (a zip bomb stays a small file).</summary>
    public const long MaxUnpackedBytes = 256L * 1024 * 1024;

    /// <summary>True when the bytes are a zip container (an .xlsx) rather than text.</summary>
    public static bool IsZip(ReadOnlySpan<byte> bytes) => bytes.StartsWith("PK\u0003\u0004"u8);

    /// <summary>The table, or why it cannot be read (in words for the person who uploaded it).</summary>
    public static (Sheet? Sheet, UserText? Problem) Read(byte[] content, int maxRows)
    {
        if (content.Length == 0)
        {
            return (null, Problems.Empty);
        }

        return IsZip(content) ? ReadXlsx(content, maxRows) : ReadCsv(content, maxRows);
    }

    private static (Sheet?, UserText?) ReadCsv(byte[] content, int maxRows)
    {
        var (text, encoding, problem) = UploadText.Decode(content);
        if (text is null)
        {
            return (null, new UserText("文件不是可读的文本：{0}", "The file is not readable text: {0}").Filled(problem));
        }

        using var reader = new StringReader(text);
        return Collect(SheetFormats.Csv, encoding, Csv.ReadRows(reader), maxRows);
    }

    private static (Sheet?, UserText?) ReadXlsx(byte[] content, int maxRows)
    {
        try
        {
            using (var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read))
            {
                if (zip.Entries.Sum(e => e.Length) > MaxUnpackedBytes || zip.GetEntry("xl/workbook.xml") is null)
                {
                    return (null, Problems.NotXlsx);
                }
            }

            using var stream = new MemoryStream(content, writable: false);
            var config = new OpenXmlConfiguration { FillMergedCells = false, EnableSharedStringCache = false };
            var rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX, configuration: config)
                .Cast<IDictionary<string, object?>>()
                .Select((cells, index) => (Row: index + 1, Cells: cells.Values.Select(Text).ToArray()));
            return Collect(SheetFormats.Xlsx, null, rows, maxRows);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or System.Xml.XmlException or InvalidOperationException or FormatException or IndexOutOfRangeException or KeyNotFoundException or NotSupportedException)
        {
            return (null, Problems.NotXlsx);
        }
    }

    private static (Sheet?, UserText?) Collect(string format, string? encoding, IEnumerable<(int Row, string[] Cells)> source, int maxRows)
    {
        IReadOnlyList<string>? header = null;
        var rows = new List<SheetRow>();
        foreach (var (row, cells) in source)
        {
            if (Array.TrueForAll(cells, string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (header is null)
            {
                header = cells;
                continue;
            }

            if (rows.Count == maxRows)
            {
                return (null, new UserText($"文件超过 {maxRows} 行，请分成多个文件导入。", $"The file has more than {maxRows} rows: split it into several files."));
            }

            if (cells.Select(TextRule.Problem).FirstOrDefault(p => p is not null) is { } bad)
            {
                return (null, new UserText("第 {0} 行含有不允许的字符：{1}", "Row {0} {1}.").Filled(row, bad));
            }

            rows.Add(new SheetRow(row, cells));
        }

        return header is null ? (null, Problems.Empty) : (new Sheet(format, encoding, header, rows), null);
    }

    /// <summary>A cell as text: numbers without exponent or grouping, dates and times as ISO 8601 (without an offset, as the sheet has none).</summary>
    internal static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        double n when n == Math.Floor(n) && Math.Abs(n) < 1e15 => n.ToString("0", CultureInfo.InvariantCulture),
        double n => n.ToString("0.############", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static class Problems
    {
        public static readonly UserText Empty = new("文件是空的：第一行应为列名。", "The file is empty: the first row must name the columns.");
        public static readonly UserText NotXlsx = new("文件不是可读的 .xlsx 工作簿。", "The file is not a readable .xlsx workbook.");
    }
}
