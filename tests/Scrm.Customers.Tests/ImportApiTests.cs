using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using Scrm.Customers.Orders;
using Scrm.Customers.View;
using Scrm.Platform.Text;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

public sealed class SqliteImportApiTests(PostgresServer postgres) : ImportApiTests(postgres, usePostgres: false);

public sealed class PostgresImportApiTests(PostgresServer postgres) : ImportApiTests(postgres, usePostgres: true);

/// <summary>Imports as Chinese offices make them, through the real host on a real socket, on each provider.</summary>
public abstract class ImportApiTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private ScrmApp? _app;

    private ScrmApp App => _app ??= new ScrmApp(Storage);

    public override async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private static readonly string[] Header = ["订单号", "手机", "姓名", "金额（元）", "下单时间", "商品", "数量"];

    // Rows 3, 5 and 8 are bad: an amount that is no number, a phone that is no number, no order number.
    private static readonly object?[][] Rows =
    [
        ["A-1", "13800138000", "张三", "1280.5", new DateTime(2026, 11, 1, 10, 0, 0), "茶叶", 2],
        ["A-2", "13700137000", "李四", "一百", new DateTime(2026, 11, 2, 9, 30, 0), "茶叶", 1],
        ["A-3", "13600136000", "王五", "99", new DateTime(2026, 11, 3, 8, 0, 0), "茶具", 1],
        ["A-4", "12345", "赵六", "10", new DateTime(2026, 11, 4, 8, 0, 0), "茶具", 1],
        ["A-5", "13500135000", "钱七", "88.8", new DateTime(2026, 11, 5, 20, 15, 0), "茶叶", 3],
        ["A-6", "13400134000", "孙八", "5", new DateTime(2026, 11, 6, 8, 0, 0), "茶杯", 1],
        ["", "13300133000", "周九", "5", new DateTime(2026, 11, 7, 8, 0, 0), "茶杯", 1],
    ];

    private static string CsvText()
    {
        var text = new StringBuilder().Append(string.Join(',', Header)).Append("\r\n");
        foreach (var row in Rows)
        {
            text.Append(string.Join(',', row.Select(c => c is DateTime d ? d.ToString("yyyy/M/d H:mm", System.Globalization.CultureInfo.InvariantCulture) : c?.ToString()))).Append("\r\n");
        }

        return text.ToString();
    }

    private static ByteArrayContent Gb18030Csv() => Body(UploadText.Gb18030Encoding.GetBytes(CsvText()), "text/csv");

    private static ByteArrayContent Utf8BomCsv() => Body([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(CsvText())], "text/csv");

    /// <summary>An .xlsx as people keep one: amounts and times as typed cells, phones as numbers.</summary>
    private static ByteArrayContent Xlsx()
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, Rows.Select(r => Header.Select((h, i) => (h, v: i switch
        {
            1 when long.TryParse((string)r[1]!, out var phone) => (object?)phone,
            3 when double.TryParse((string)r[3]!, System.Globalization.CultureInfo.InvariantCulture, out var amount) => amount,
            _ => r[i],
        })).ToDictionary(x => x.h, x => x.v)));
        return Body(stream.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }

    private static ByteArrayContent Body(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<ImportStatus> ImportAsync(HttpClient client, HttpContent file, CancellationToken ct)
    {
        var started = await client.PostAsync("/api/v1/orders/import", file, ct);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync(ct));
        var job = (await started.Content.ReadFromJsonAsync<ImportStatus>(ct))!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        ImportStatus status;
        do
        {
            await Task.Delay(100, ct);
            status = (await client.GetFromJsonAsync<ImportStatus>($"/api/v1/customers/imports/{job.Id}", ct))!;
        }
        while (status.Status != "done" && DateTime.UtcNow < deadline);

        status.Status.ShouldBe("done");
        return status;
    }

    [Fact]
    public async Task A_gb18030_csv_a_utf8_csv_with_bom_and_an_xlsx_import_the_same_rows_and_report_the_same_three_bad_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sales = App.ClientFor("sales");

        var preview = await sales.PostAsync("/api/v1/orders/import?preview=true", Gb18030Csv(), ct);
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        var shown = await preview.Content.ReadFromJsonAsync<JsonElement>(ct);
        shown.GetProperty("encoding").GetString().ShouldBe("gb18030");
        shown.GetProperty("ready").GetBoolean().ShouldBeTrue();
        shown.GetProperty("rows").GetInt32().ShouldBe(7);
        shown.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("field").GetString())
            .ShouldBe(["order_id", "phone", "name", "amount", "occurred_at", "product", "quantity"]);
        var first = shown.GetProperty("sample")[0];
        first.GetProperty("row").GetInt32().ShouldBe(2);
        first.GetProperty("cells").GetProperty("name").GetString().ShouldBe("张三");
        (await sales.GetFromJsonAsync<CustomerPage>("/api/v1/customers?limit=200", ct))!.Items.ShouldBeEmpty();

        var fromGb = await ImportAsync(sales, Gb18030Csv(), ct);
        var fromBom = await ImportAsync(sales, Utf8BomCsv(), ct);
        var fromXlsx = await ImportAsync(sales, Xlsx(), ct);

        foreach (var status in new[] { fromGb, fromBom, fromXlsx })
        {
            status.Processed.ShouldBe(7);
            status.Failed.ShouldBe(3);
            status.Errors.Select(e => e.Row).Distinct().ShouldBe([3, 5, 8]);
            status.Errors.Select(e => (e.Row, e.Field)).ShouldBe([(3, "amount"), (5, "phone"), (5, "customerId"), (8, "orderId")]);
        }

        // The second and third files carried the same orders with the same contents: duplicates, not conflicts or new orders.
        var customers = (await sales.GetFromJsonAsync<CustomerPage>("/api/v1/customers?limit=200", ct))!.Items;
        customers.Count.ShouldBe(4);
        var zhang = (await sales.GetFromJsonAsync<CustomerPage>("/api/v1/customers?q=张三", ct))!.Items.ShouldHaveSingleItem();
        var view = (await sales.GetFromJsonAsync<CustomerView>($"/api/v1/customers/{zhang.Id}", ct))!;
        view.Value.Orders.ShouldBe(1);
        view.Value.Monetary.ShouldBe("1280.50");
        view.Profile.Phone.ShouldBe("+8613800138000");
    }

    [Fact]
    public async Task Exports_open_as_utf8_with_a_bom_or_as_xlsx_and_stay_masked_for_marketing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sales = App.ClientFor("sales");
        await ImportAsync(sales, Utf8BomCsv(), ct);

        var csv = await sales.GetAsync("/api/v1/customers/export", ct);
        csv.Content.Headers.ContentType!.CharSet.ShouldBe("utf-8");
        var bytes = await csv.Content.ReadAsByteArrayAsync(ct);
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(bytes).ShouldContain("张三");

        using var marketer = App.ClientFor("marketer");
        var xlsx = await marketer.GetAsync("/api/v1/customers/export?format=xlsx", ct);
        xlsx.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(ct));
        var rows = MiniExcel.Query(book, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        rows.Count.ShouldBe(4);
        rows.Select(r => r["phone"]?.ToString()).ShouldContain("138****8000");
        rows.Select(r => r["phone"]?.ToString()).ShouldNotContain("+8613800138000");
    }

    [Fact]
    public async Task Every_hostile_file_sent_as_an_upload_is_refused_with_problem_details_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sales = App.ClientFor("sales");
        var files = System.IO.Directory.GetFiles(Path.GetDirectoryName(Repo.Fixture("hostile", "cases.json"))!);
        files.Length.ShouldBeGreaterThan(10);
        foreach (var file in files)
        {
            foreach (var (path, type) in new[] { ("/api/v1/orders/import", "text/csv"), ("/api/v1/customers/import", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") })
            {
                var response = await sales.PostAsync(path, Body(await File.ReadAllBytesAsync(file, ct), type), ct);
                ((int)response.StatusCode).ShouldBeInRange(400, 499, $"{Path.GetFileName(file)} to {path}");
                response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            }
        }

        var wrongType = await sales.PostAsync("/api/v1/orders/import", new StringContent("订单号\r\nA-1", Encoding.UTF8, "application/json"), ct);
        wrongType.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        wrongType.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await sales.GetFromJsonAsync<CustomerPage>("/api/v1/customers?limit=200", ct))!.Items.ShouldBeEmpty();
    }
}
