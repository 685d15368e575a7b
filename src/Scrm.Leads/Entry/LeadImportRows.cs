using Scrm.Customers.Orders;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Tables;
using Scrm.Platform.Text;

namespace Scrm.Leads.Entry;

/// <summary>
/// Leads imported from a spreadsheet through the customer model's import pipeline (encoding
/// detection, .xlsx, preview, chunks, per-row errors): each good row becomes a journal lead item,
/// a chunk in one append, and is routed like any other lead. A row seen before is a duplicate.
/// </summary>
internal sealed class LeadImportRows(IJournal journal, TimeProvider time) : IImportRows
{
    public const string LeadsKind = "leads";

    public static readonly ImportField[] Columns =
    [
        new("name", "姓名", "名字", "客户姓名", "联系人", "客户名称"),
        new("phone", "手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "mobile", "tel", "telephone"),
        new("email", "邮箱", "电子邮箱", "电子邮件", "邮件", "e-mail", "mail"),
        new("company", "公司", "公司名称", "单位", "企业", "企业名称"),
        new("title", "职位", "职务", "头衔"),
        new("province", "省份", "省", "所在省份"),
        new("city", "城市", "市", "所在城市"),
        new("source", "来源", "线索来源", "渠道"),
        new("product", "意向产品", "产品", "商品"),
        new("message", "备注", "留言", "需求", "说明", "note", "notes"),
    ];

    public string Kind => LeadsKind;

    public IReadOnlyList<ImportField> Fields => Columns;

    public async Task<IReadOnlyList<RowError>> ImportAsync(ImportChunk chunk, CancellationToken cancellationToken)
    {
        var errors = new List<RowError>();
        var items = new List<Scrm.Ingestion.InboundItem>();
        var now = time.GetUtcNow();
        foreach (var (row, cells) in chunk.Rows)
        {
            if (cells is null)
            {
                errors.Add(RowError.CellCount(row));
                continue;
            }

            var lead = new ManualLead(cells.GetValueOrDefault("name"), cells.GetValueOrDefault("phone"), cells.GetValueOrDefault("email"),
                cells.GetValueOrDefault("company"), cells.GetValueOrDefault("title"), cells.GetValueOrDefault("province"), cells.GetValueOrDefault("city"),
                cells.GetValueOrDefault("product"), cells.GetValueOrDefault("source"), cells.GetValueOrDefault("message"));
            var (item, problems) = LeadEntries.ToItem(lead, chunk.Actor, imported: true, now, Languages.Chinese);
            if (item is null)
            {
                // The import has no reader's language yet: each error is kept in both (the check is pure, so the second pass finds the same fields).
                var english = LeadEntries.ToItem(lead, chunk.Actor, imported: true, now, Languages.English).Errors;
                errors.AddRange(problems.Select(p => new RowError(row, p.Key, string.Join("；", p.Value), string.Join("; ", english[p.Key]))));
                continue;
            }

            items.Add(item);
        }

        if (items.Count > 0)
        {
            await journal.AppendAsync(items, cancellationToken);
        }

        return errors;
    }
}
