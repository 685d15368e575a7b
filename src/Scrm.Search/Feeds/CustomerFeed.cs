using System.Globalization;
using Microsoft.Extensions.Options;
using Scrm.Customers.Directory;

namespace Scrm.Search.Feeds;

/// <summary>
/// Customers in the index (<c>type=customer</c>): name, nickname, company and profile searchable, the
/// owner and tags filterable, phone numbers and e-mail addresses in the protected contacts. A merged
/// customer leaves the index.
/// </summary>
internal sealed class CustomerFeed(CustomerChanges changes, IOptions<SearchOptions> options, TimeProvider time) : ISearchFeed
{
    public const string IdPrefix = "customer:";
    public const string Account = "customers";

    public string Name => "customers";

    public bool Complete => true;

    public async Task<FeedBatch> ReadAsync(string? mark, CancellationToken cancellationToken)
    {
        var limit = options.Value.BatchSize;
        var through = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)options.Value.FeedSettleTime.TotalMilliseconds;
        var rows = await changes.ReadAsync(Parse(mark), through, limit, cancellationToken);
        if (rows.Count == 0)
        {
            return FeedBatch.Nothing;
        }

        var upserts = rows.Where(c => c.Active).Select(Document).ToList();
        var deletes = rows.Where(c => !c.Active).Select(c => Id(c.Id)).ToList();
        return new FeedBatch(upserts, deletes, Format(rows[^1].Mark), rows.Count == limit);
    }

    public static string Id(Guid customer) => IdPrefix + customer.ToString("D");

    public static SearchDocument Document(CustomerRecord c)
    {
        var name = c.Name ?? c.Nickname;
        var title = string.Join(" · ", new[] { name, c.Company }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var text = string.Join(" · ", new[] { c.Company, c.Title, c.Industry, c.Province, c.City }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return new SearchDocument(
            Id(c.Id),
            DocumentTypes.Customer,
            string.IsNullOrWhiteSpace(c.Source) ? "crm" : c.Source,
            Account,
            null,
            c.Nickname,
            title.Length == 0 ? null : title,
            text,
            c.CreatedAt,
            c.Owner,
            [.. c.Tags.Take(DocumentRules.MaxTags)])
        {
            Contacts = c.Contacts,
        };
    }

    private static CustomerChangeMark Parse(string? mark) =>
        mark?.Split(':') is [var at, var id] && long.TryParse(at, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var updated) && Guid.TryParse(id, out var guid)
            ? new CustomerChangeMark(updated, guid)
            : CustomerChangeMark.Start;

    private static string Format(CustomerChangeMark mark) => mark.UpdatedAt.ToString(CultureInfo.InvariantCulture) + ":" + mark.Id.ToString("N");
}
