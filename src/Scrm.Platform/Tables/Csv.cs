using System.Globalization;
using nietras.SeparatedValues;

namespace Scrm.Platform.Tables;

/// <summary>
/// RFC 4180 CSV through Sep (quoted fields, doubled quotes, CRLF or LF). Export cells are
/// neutralised against spreadsheet formulas by <see cref="Neutralise"/>, our rule rather than the
/// library's, so CSV and the tests that pin it stay the same whichever parser sits underneath.
/// </summary>
public static class Csv
{
    private static readonly Sep Comma = Sep.New(',');

    /// <summary>Rows of fields with the row's number as a spreadsheet shows it (the first row is 1, a quoted line break does not count).</summary>
    public static IEnumerable<(int Row, string[] Cells)> ReadRows(TextReader reader)
    {
        using var sep = Comma.Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture }).From(reader);
        foreach (var row in sep)
        {
            var cells = new string[row.ColCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = row[i].ToString();
            }

            yield return (row.RowIndex + 1, cells);
        }
    }

    /// <summary>Rows of fields. An empty line is a row with one empty field.</summary>
    public static IEnumerable<IReadOnlyList<string>> Read(TextReader reader) => ReadRows(reader).Select(r => (IReadOnlyList<string>)r.Cells);

    /// <summary>
    /// A value a spreadsheet would evaluate (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>,
    /// a tab or a carriage return) gets a leading apostrophe so it stays text.
    /// </summary>
    public static string Neutralise(string? value) =>
        string.IsNullOrEmpty(value) ? "" : value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    /// <summary>One neutralised cell, quoted when it must be.</summary>
    public static string Cell(string? value) => Line([value])[..^2];

    /// <summary>One neutralised line of cells, ending in CRLF.</summary>
    public static string Line(IEnumerable<string?> cells)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        WriteRaw(text, [cells.Select(Neutralise)]);
        return text.ToString();
    }

    /// <summary>Lines of raw cells (not neutralised): for data the product reads back itself.</summary>
    public static void WriteRaw(TextWriter output, IEnumerable<IEnumerable<string?>> rows)
    {
        // CSV for spreadsheets ends lines with CRLF whatever the server runs on.
        output.NewLine = "\r\n";
        using var writer = Comma.Writer(o => o with { WriteHeader = false, Escape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture }).To(output, leaveOpen: true);
        foreach (var cells in rows)
        {
            using var row = writer.NewRow();
            var i = 0;
            foreach (var cell in cells)
            {
                row[i++].Set(cell ?? "");
            }
        }
    }
}
