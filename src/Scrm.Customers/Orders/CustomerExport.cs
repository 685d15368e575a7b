using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Customers.Model;
using Scrm.Customers.View;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;

namespace Scrm.Customers.Orders;

/// <summary>
/// Streams the filtered customers as CSV. Cells are neutralised against spreadsheet formulas;
/// only customers within the caller's data scope are written; protected fields are masked for roles
/// that may not see them; every export is audited (who, which filter, how many rows, how many unmasked).
/// </summary>
internal sealed class CustomerExport(CustomerReader reader, IOptions<ProtectionOptions> protection, IAuditTrail audit)
{
    private const int Page = 2_000;

    public async Task WriteAsync(CustomerFilter filter, Caller caller, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(Csv.Line(["id", "name", "nickname", "company", "title", "province", "city", "source", "industry", "phone", "email", "owner", "tier", "score", "orders", "monetary"]));
        var query = reader.Filter(reader.Visible(caller).Where(c => c.Status == CustomerStatus.Active), filter);
        Guid? after = null;
        var unmaskedRows = 0;
        var written = 0;
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
                written++;
                if (access.AuditRead)
                {
                    unmaskedRows++;
                }

                await writer.WriteAsync(Csv.Line([
                    c.Id.ToString(), c.Name, c.Nickname, c.Company, c.Title, c.Province, c.City, c.Source, c.Industry,
                    masked ? Masking.Phone(c.Phone) : c.Phone, masked ? Masking.Email(c.Email) : c.Email, c.OwnerId, c.Tier,
                    c.Score?.ToString(System.Globalization.CultureInfo.InvariantCulture), c.OrderCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Masking.Amount(c.MonetaryCents, masked)]));
            }

            if (rows.Count < Page)
            {
                break;
            }

            after = rows[^1].Id;
        }

        await writer.FlushAsync(cancellationToken);
        // One entry per export (not per row): who exported what filter, how many rows and how many of them unmasked.
        var detail = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["rows"] = written.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["unmasked"] = unmaskedRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["filter"] = $"q={filter.Q};tag={filter.Tag};tier={filter.Tier};owner={filter.Owner};region={filter.Region};source={filter.Source}",
        }, CustomersJson.Default.DictionaryStringString);
        await audit.RecordAsync(new AuditEvent(caller.Id, AuditActions.Export, DataResources.Customers, null, detail), CancellationToken.None);
    }
}
