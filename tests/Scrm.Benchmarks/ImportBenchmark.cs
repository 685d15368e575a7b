using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Scrm.Customers;
using Scrm.Customers.Orders;
using Scrm.Ingestion;
using Scrm.Platform.Tables;
using Scrm.Platform.Text;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Order imports as offices upload them: the same N order rows (default 100,000; Chinese headers,
/// amounts and times as typed) as a GB18030 CSV and as an .xlsx, each read, stored and run to the end
/// through the import pipeline on a fresh store. Prints rows/s for reading and for the whole import,
/// and the ratio between the two formats.
/// </summary>
internal static class ImportBenchmark
{
    private static readonly string[] Header = ["订单号", "手机", "姓名", "金额", "下单时间", "商品", "数量"];

    public static async Task RunAsync(string[] args)
    {
        var rows = int.Parse(LoadDriver.Option(args, "--rows", "100000"), CultureInfo.InvariantCulture);
        var storageArg = LoadDriver.Option(args, "--storage", "sqlite");
        var storage = storageArg.StartsWith("postgres=", StringComparison.Ordinal) ? StorageUnderTest.Postgres(storageArg["postgres=".Length..]) : StorageUnderTest.Sqlite;
        Console.WriteLine($"Import benchmark: {rows:N0} order rows, storage {storage}, {Environment.ProcessorCount} cores");

        var at = new DateTime(2026, 11, 1, 9, 0, 0);
        var table = Enumerable.Range(0, rows).Select(i => new object[]
        {
            $"B-{i:D7}", 13_000_000_000L + (i % 40_000) * 7L, $"客户{i % 40_000}", Math.Round(10 + (i % 997) * 1.37, 2), at.AddMinutes(i), i % 3 == 0 ? "茶叶" : "茶具", 1 + i % 4,
        }).ToList();

        var csv = new StringBuilder(rows * 64).Append(string.Join(',', Header)).Append("\r\n");
        foreach (var r in table)
        {
            csv.Append(string.Join(',', r.Select(c => c is DateTime d ? d.ToString("yyyy/M/d H:mm", CultureInfo.InvariantCulture) : Convert.ToString(c, CultureInfo.InvariantCulture)))).Append("\r\n");
        }

        var csvBytes = UploadText.Gb18030Encoding.GetBytes(csv.ToString());
        using var xlsx = new MemoryStream();
        MiniExcel.SaveAs(xlsx, table.Select(r => Header.Select((h, i) => (h, v: r[i])).ToDictionary(x => x.h, x => (object?)x.v)));
        var xlsxBytes = xlsx.ToArray();
        Console.WriteLine($"files: CSV (GB18030) {csvBytes.Length / 1024.0 / 1024:N1} MiB, .xlsx {xlsxBytes.Length / 1024.0 / 1024:N1} MiB");

        var csvRate = await ImportAsync("CSV (GB18030)", csvBytes, storage, rows);
        var xlsxRate = await ImportAsync(".xlsx", xlsxBytes, storage, rows);
        Console.WriteLine($"ratio CSV/.xlsx: reading {csvRate.Read / xlsxRate.Read:N2}, whole import {csvRate.Total / xlsxRate.Total:N2}");
    }

    private static async Task<(double Read, double Total)> ImportAsync(string what, byte[] file, StorageUnderTest storage, int rows)
    {
        await using var host = await ModuleHost.StartAsync(storage, (s, c) => s.AddScrmIngestion(c).AddScrmCustomers(c),
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        var total = Stopwatch.StartNew();
        var (sheet, problem) = Sheets.Read(file, ImportService.MaxRows);
        var read = total.Elapsed;
        if (sheet is null || sheet.Rows.Count != rows)
        {
            throw new InvalidOperationException($"{what}: not read ({problem?.English}).");
        }

        using var scope = host.Services.CreateScope();
        var imports = scope.ServiceProvider.GetRequiredService<ImportService>();
        var (status, problems) = await imports.StartAsync("orders", sheet, "benchmark", Languages.English, CancellationToken.None);
        if (status is null)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        while (status!.Status != "done")
        {
            await Task.Delay(200);
            status = await imports.GetAsync(status.Id, "zh-CN", CancellationToken.None);
        }

        total.Stop();
        var readRate = rows / read.TotalSeconds;
        var totalRate = rows / total.Elapsed.TotalSeconds;
        Console.WriteLine($"{what,-16} read {read.TotalSeconds,7:N1} s ({readRate,9:N0} rows/s); whole import {total.Elapsed.TotalSeconds,7:N1} s ({totalRate,7:N0} rows/s); {status.Failed} rows refused");
        return (readRate, totalRate);
    }
}
