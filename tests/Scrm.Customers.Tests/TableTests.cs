using System.IO.Compression;
using System.Text;
using MiniExcelLibs;
using Scrm.Customers.Orders;
using Scrm.Platform.Calendar;
using Scrm.Platform.Tables;
using Scrm.Platform.Text;

namespace Scrm.Customers.Tests;

/// <summary>Uploaded and downloaded tables: encodings as offices write them, headers in Chinese and English, cells as spreadsheets hold them.</summary>
public sealed class UploadTextTests
{
    private const string Text = "姓名,手机\r\n张三,13800138000\r\n";

    [Fact]
    public void Gb18030_without_a_bom_as_excel_writes_it_is_read_as_gb18030()
    {
        var bytes = UploadText.Gb18030Encoding.GetBytes(Text);

        UploadText.Decode(bytes).ShouldBe((Text, UploadText.Gb18030, null));
    }

    [Fact]
    public void Utf8_with_a_bom_is_read_without_it()
    {
        var bytes = new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(Text)).ToArray();

        UploadText.Decode(bytes).ShouldBe((Text, UploadText.Utf8Bom, null));
    }

    [Fact]
    public void Valid_utf8_without_a_bom_is_utf8()
    {
        UploadText.Decode(Encoding.UTF8.GetBytes(Text)).ShouldBe((Text, UploadText.Utf8, null));
    }

    [Fact]
    public void Utf16_with_a_bom_is_read()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Text)).ToArray();

        UploadText.Decode(bytes).Text.ShouldBe(Text);
    }

    [Theory]
    [InlineData(new byte[] { 0x41, 0x00, 0x42 }, "contains a NUL character")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0x80 }, "is neither UTF-8 nor GB18030 text")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0xC0, 0xAF }, "is not valid utf-8-bom text")]
    public void Bytes_that_are_no_text_are_refused_not_repaired(byte[] bytes, string problem)
    {
        var (text, _, why) = UploadText.Decode(bytes);

        text.ShouldBeNull();
        why.ShouldNotBeNull().In(Languages.English).ShouldBe(problem);
    }
}

public sealed class ColumnTests
{
    [Theory]
    [InlineData("订单号", "order_id")]
    [InlineData("Order ID", "order_id")]
    [InlineData("order_id", "order_id")]
    [InlineData("ＯｒｄｅｒＩＤ", "order_id")]
    [InlineData(" *订单编号 ", "order_id")]
    [InlineData("金额（元）", "amount")]
    [InlineData("金额(元)", "amount")]
    [InlineData("实付金额", "amount")]
    [InlineData("下单时间", "occurred_at")]
    [InlineData("Occurred At", "occurred_at")]
    [InlineData("手机号码", "phone")]
    [InlineData("收货人", "name")]
    [InlineData("商品名称", "product")]
    [InlineData("备注", null)]
    public void Order_headers_map_by_chinese_name_or_english_alias(string header, string? field) =>
        Columns.Map([header], ImportKinds.OrderFields).Columns.Single().Field.ShouldBe(field);

    [Fact]
    public void Unknown_and_repeated_headers_are_reported()
    {
        var mapping = Columns.Map(["姓名", "手机", "电话", "备注", ""], ImportKinds.CustomerFields);

        mapping.Unknown.ShouldBe(["备注"]);
        mapping.Repeated.ShouldBe(["phone"]);
        mapping.Complete.ShouldBeFalse();
    }
}

public sealed class CellValueTests
{
    [Theory]
    [InlineData("1280.5", "1280.5")]
    [InlineData("¥1,280.50", "1280.50")]
    [InlineData("￥１２８０", "1280")]
    [InlineData("99元", "99")]
    [InlineData("RMB 12.3", "12.3")]
    [InlineData("一百", null)]
    [InlineData("", null)]
    public void Amounts_as_offices_write_them(string text, string? amount) =>
        CellValues.Amount(text)?.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(amount);

    [Theory]
    [InlineData("2026-11-01T10:00:00+08:00", "2026-11-01T02:00:00Z")]
    [InlineData("2026-11-01T02:00:00Z", "2026-11-01T02:00:00Z")]
    [InlineData("2026-11-01 10:00", "2026-11-01T02:00:00Z")]
    [InlineData("2026/11/1 10:00:00", "2026-11-01T02:00:00Z")]
    [InlineData("2026年11月1日 10:00", "2026-11-01T02:00:00Z")]
    [InlineData("2026-11-01", "2026-10-31T16:00:00Z")]
    [InlineData("2026-11-01T10:00:00", "2026-11-01T02:00:00Z")]
    [InlineData("昨天", null)]
    public void Times_without_an_offset_are_china_time(string text, string? utc) =>
        CellValues.Time(text, ChinaTime.Offset)?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(utc);
}

public sealed class SheetTests
{
    [Fact]
    public void An_xlsx_with_number_and_date_cells_reads_as_the_text_a_csv_would_have()
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, new[]
        {
            new Dictionary<string, object> { ["订单号"] = "A-1", ["手机"] = 13800138000L, ["金额"] = 1280.5, ["下单时间"] = new DateTime(2026, 11, 1, 10, 0, 0) },
            new Dictionary<string, object> { ["订单号"] = "A-2", ["手机"] = 13700137000L, ["金额"] = 99, ["下单时间"] = new DateTime(2026, 11, 2) },
        });

        var (sheet, problem) = Sheets.Read(stream.ToArray(), 10);

        problem.ShouldBeNull();
        sheet!.Format.ShouldBe(SheetFormats.Xlsx);
        sheet.Header.ShouldBe(["订单号", "手机", "金额", "下单时间"]);
        sheet.Rows.Select(r => r.Row).ShouldBe([2, 3]);
        sheet.Rows[0].Cells.ShouldBe(["A-1", "13800138000", "1280.5", "2026-11-01T10:00:00"]);
        sheet.Rows[1].Cells.ShouldBe(["A-2", "13700137000", "99", "2026-11-02"]);
    }

    [Fact]
    public void Blank_rows_are_skipped_and_keep_their_numbers()
    {
        var (sheet, _) = Sheets.Read(Encoding.UTF8.GetBytes("姓名,手机\r\n,\r\n张三,13800138000\r\n\r\n李四,13700137000"), 10);

        sheet!.Rows.Select(r => r.Row).ShouldBe([3, 5]);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x01 })]
    [InlineData(new byte[0])]
    public void A_broken_zip_or_an_empty_file_is_refused(byte[] bytes) => Sheets.Read(bytes, 10).Problem.ShouldNotBeNull();

    [Fact]
    public void A_zip_that_unpacks_past_the_limit_is_refused_unread()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("xl/workbook.xml").Open().Dispose();
            using var big = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i <= Sheets.MaxUnpackedBytes / zeros.Length; i++)
            {
                big.Write(zeros);
            }
        }

        stream.Length.ShouldBeLessThan(2 * 1024 * 1024);
        Sheets.Read(stream.ToArray(), 10).Problem!.English.ShouldBe("The file is not a readable .xlsx workbook.");
    }

    [Fact]
    public void More_rows_than_allowed_are_refused()
    {
        var (sheet, problem) = Sheets.Read(Encoding.UTF8.GetBytes("a\n1\n2\n3\n"), 2);

        sheet.ShouldBeNull();
        problem!.English.ShouldContain("more than 2 rows");
    }

    [Fact]
    public async Task A_csv_export_starts_with_a_bom_and_ends_lines_with_crlf()
    {
        using var stream = new MemoryStream();

        await SheetWriter.WriteCsvAsync(stream, ["姓名", "备注"], Rows(["张三", "=1+1"]), TestContext.Current.CancellationToken);

        var bytes = stream.ToArray();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).ShouldBe("姓名,备注\r\n张三,'=1+1\r\n");
    }

    [Fact]
    public async Task An_xlsx_export_keeps_every_cell_text_so_no_formula_runs()
    {
        using var stream = new MemoryStream();

        await SheetWriter.WriteXlsxAsync(stream, "客户", ["姓名", "手机", "备注"], Rows(["张三", "+8613800138000", "=HYPERLINK(\"http://x\")"]), TestContext.Current.CancellationToken);

        using (var zip = new ZipArchive(new MemoryStream(stream.ToArray())))
        {
            using var xml = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
            System.Text.RegularExpressions.Regex.IsMatch(await xml.ReadToEndAsync(TestContext.Current.CancellationToken), "<(x:)?f[ >]").ShouldBeFalse();
        }

        var (sheet, _) = Sheets.Read(stream.ToArray(), 10);
        sheet!.Header.ShouldBe(["姓名", "手机", "备注"]);
        sheet.Rows.Single().Cells.ShouldBe(["张三", "+8613800138000", "=HYPERLINK(\"http://x\")"]);
    }

    private static async IAsyncEnumerable<string?[]> Rows(params string?[][] rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }
}
