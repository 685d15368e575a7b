using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Customers.Model;
using Scrm.Customers.View;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;
using Scrm.Platform.Tables;

namespace Scrm.Customers.Orders;

/// <summary>
/// Writes the filtered customers as CSV (UTF-8 with BOM, cells neutralised against spreadsheet
/// formulas) or as an .xlsx of text cells;
/// only customers within the caller's data scope are written; protected fields are masked for roles
/// that may not see them; every export is audited (who, which filter, how many rows, how many unmasked).
/// </summary>
internal sealed class CustomerExport(CustomerReader reader, IOptions<ProtectionOptions> protection, IAuditTrail audit)
{
    private const int Page = 2_000;

    private static readonly string[] Header = ["id", "name", "nickname", "company", "title", "province", "city", "source", "industry", "phone", "email", "owner", "tier", "score", "orders", "monetary"];

    public async Task WriteAsync(CustomerFilter filter, Caller caller, string format, Stream output, CancellationToken cancellationToken)
    {
        var counts = new ExportCounts();
        await SheetWriter.WriteAsync(format, output, "客户", Header, RowsAsync(filter, caller, counts, cancellationToken), cancellationToken);
        await AuditAsync(filter, caller, format, counts);
    }

    private sealed class ExportCounts
    {
        public int Written { get; set; }

        public int Unmasked { get; set; }
    }

    private async IAsyncEnumerable<string?[]> RowsAsync(CustomerFilter filter, Caller caller, ExportCounts counts, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = reader.Filter(reader.Visible(caller).Where(c => c.Status == CustomerStatus.Active), filter);
        Guid? after = null;
        while (true)
        {
            var page = query;
            if (after is { } a)
            {
                page = page.Where(c => c.Id.CompareTo(a) < 0);
            }

            var rows = await page.OrderByDescending(c => c.Id).Take(Page).ToListAsync(cancellationToken);
            foreach (var c in rows)
            {
                var access = FieldPolicy.Decide(caller, c.OwnerId, protection.Value.UnmaskedRoles);
                var masked = !access.Unmasked;
                counts.Written++;
                if (access.AuditRead)
                {
                    counts.Unmasked++;
                }

                yield return [
                    c.Id.ToString(), c.Name, c.Nickname, c.Company, c.Title, c.Province, c.City, c.Source, c.Industry,
                    masked ? Masking.Phone(c.Phone) : c.Phone, masked ? Masking.Email(c.Email) : c.Email, c.OwnerId, c.Tier,
                    c.Score?.ToString(CultureInfo.InvariantCulture), c.OrderCount.ToString(CultureInfo.InvariantCulture),
                    Masking.Amount(c.MonetaryCents, masked)];
            }

            if (rows.Count < Page)
            {
                break;
            }

            after = rows[^1].Id;
        }
    }

    private async Task AuditAsync(CustomerFilter filter, Caller caller, string format, ExportCounts counts)
    {
        // One entry per export (not per row): who exported what filter, how many rows and how many of them unmasked.
        var detail = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["rows"] = counts.Written.ToString(CultureInfo.InvariantCulture),
            ["unmasked"] = counts.Unmasked.ToString(CultureInfo.InvariantCulture),
            ["format"] = format,
            ["filter"] = $"q={filter.Q};tag={filter.Tag};tier={filter.Tier};owner={filter.Owner};region={filter.Region};source={filter.Source}",
        }, CustomersJson.Default.DictionaryStringString);
        await audit.RecordAsync(new AuditEvent(caller.Id, AuditActions.Export, DataResources.Customers, null, detail), CancellationToken.None);
    }
}
