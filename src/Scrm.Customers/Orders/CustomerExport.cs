using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Customers.Model;
using Scrm.Customers.Protection;
using Scrm.Customers.View;

namespace Scrm.Customers.Orders;

/// <summary>
/// Streams the filtered customers as CSV. Cells are neutralised against spreadsheet formulas;
/// protected fields are masked for roles that may not see them, and an unmasked export is audited.
/// </summary>
internal sealed class CustomerExport(CustomersDbContext db, CustomerReader reader, IOptions<ProtectionOptions> protection, TimeProvider time)
{
    private const int Page = 2_000;

    public async Task WriteAsync(CustomerFilter filter, Caller caller, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(Csv.Line(["id", "name", "nickname", "company", "title", "province", "city", "source", "industry", "phone", "email", "owner", "tier", "score", "orders", "monetary"]));
        var query = reader.Filter(db.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active), filter);
        Guid? after = null;
        var unmaskedRows = 0;
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
                var access = FieldPolicy.Decide(caller.Role, caller.Name, c.OwnerId, protection.Value.UnmaskedRoles);
                var masked = !access.Unmasked;
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
        if (unmaskedRows > 0)
        {
            // One entry per export (not per row): who exported unmasked data of customers they do not own, and how much.
            var detail = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["rows"] = unmaskedRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["filter"] = $"q={filter.Q};tag={filter.Tag};tier={filter.Tier};owner={filter.Owner};region={filter.Region};source={filter.Source}",
            }, CustomersJson.Default.DictionaryStringString);
            db.Audit.Add(new AuditRow { CustomerId = null, At = time.GetUtcNow().ToUnixTimeMilliseconds(), Actor = caller.Name, Action = "export_unmasked", Detail = detail });
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }
}
