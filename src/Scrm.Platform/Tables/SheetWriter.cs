using System.Text;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace Scrm.Platform.Tables;

/// <summary>
/// Writes a table for people to open in a spreadsheet: CSV as UTF-8 with a byte-order mark (so Excel
/// on a Chinese Windows does not read it as GBK) with cells neutralised against formulas, or an
/// <c>.xlsx</c> (through MiniExcel) whose cells are all text, so no value is ever evaluated and long
/// numbers such as phone numbers keep their digits.
/// </summary>
public static class SheetWriter
{
    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>The media type and file extension for a format name (<c>csv</c> when none or an unknown one is asked for).</summary>
    public static (string MediaType, string Extension) Describe(string? format) =>
        string.Equals(format, SheetFormats.Xlsx, StringComparison.OrdinalIgnoreCase)
            ? (SheetFormats.XlsxMediaType, SheetFormats.Xlsx)
            : (SheetFormats.CsvMediaType + "; charset=utf-8", SheetFormats.Csv);

    public static Task WriteAsync(string? format, Stream output, string sheetName, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows, CancellationToken cancellationToken) =>
        string.Equals(format, SheetFormats.Xlsx, StringComparison.OrdinalIgnoreCase)
            ? WriteXlsxAsync(output, sheetName, header, rows, cancellationToken)
            : WriteCsvAsync(output, header, rows, cancellationToken);

    public static async Task WriteCsvAsync(Stream output, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, Utf8WithBom, 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(Csv.Line(header));
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Csv.Line(row));
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The workbook is built in a temporary file and then copied: the zip container is finished with
    /// synchronous writes, which a response stream does not take.
    /// </summary>
    public static async Task WriteXlsxAsync(Stream output, string sheetName, IReadOnlyList<string> header, IAsyncEnumerable<string?[]> rows, CancellationToken cancellationToken)
    {
        var values = new List<Dictionary<string, object?>>();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var cells = new Dictionary<string, object?>(header.Count, StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                cells[header[i]] = i < row.Length ? row[i] ?? "" : "";
            }

            values.Add(cells);
        }

        var path = Path.Combine(Path.GetTempPath(), "scrm-export-" + Guid.CreateVersion7().ToString("N") + ".xlsx");
        await using var buffer = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var config = new OpenXmlConfiguration { EnableAutoWidth = false, FastMode = true };
        if (values.Count == 0)
        {
            // An empty list has no keys to name the columns: write the header row alone.
            await MiniExcel.SaveAsAsync(buffer, new[] { header.ToDictionary(h => h, h => (object?)h, StringComparer.Ordinal) }, printHeader: false, sheetName: sheetName, excelType: ExcelType.XLSX, configuration: config, cancellationToken: cancellationToken);
        }
        else
        {
            await MiniExcel.SaveAsAsync(buffer, values, printHeader: true, sheetName: sheetName, excelType: ExcelType.XLSX, configuration: config, cancellationToken: cancellationToken);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellationToken);
    }
}
