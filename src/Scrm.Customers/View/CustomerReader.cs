using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Customers.Value;
using Scrm.Platform.Audit;
using Scrm.Platform.Contacts;
using Scrm.Platform.Security;

namespace Scrm.Customers.View;

/// <summary>Filters of the customer list.</summary>
internal sealed record CustomerFilter(string? Q, string? Tag, string? Tier, string? Owner, string? Region, string? Source, Guid? After, int Limit);

/// <summary>
/// Reads customers for people: the 360° view and the list, only within the caller's data scope
/// (a customer outside it is not found), with protected fields masked for roles that may not see
/// them and every unmasked read by a non-owner written to the audit log.
/// </summary>
internal sealed class CustomerReader(
    CustomersDbContext db,
    IEnumerable<ICustomerViewSection> sections,
    IOptions<ProtectionOptions> protection,
    IOptions<ValueOptions> valueOptions,
    ValueScorer scorer,
    IAuditTrail audit,
    TimeProvider time)
{
    /// <summary>The active and merged customers the caller may see.</summary>
    internal IQueryable<CustomerRow> Visible(Caller caller) =>
        caller.Scope(DataResources.Customers).Apply(db.Customers.AsNoTracking(), c => c.OwnerId);

    /// <summary>
    /// One customer by id, or null when missing or outside the caller's scope. The row is found by
    /// its key and its owner checked here: the same rule as <see cref="Visible"/>, without asking the
    /// database to test the owner against a list for a single row.
    /// </summary>
    private async Task<CustomerRow?> FindVisibleAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var c = await db.Customers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        return c is not null && caller.Scope(DataResources.Customers).Includes(c.OwnerId) ? c : null;
    }

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? At(long? ms) => ms is { } v ? At(v) : null;

    public async Task<CustomerView?> GetAsync(Guid id, Caller caller, long? timelineBefore, int timelineLimit, CancellationToken cancellationToken)
    {
        var c = await FindVisibleAsync(id, caller, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var access = FieldPolicy.Decide(caller, c.OwnerId, protection.Value.UnmaskedRoles);
        var masked = !access.Unmasked;
        var identities = await db.Identities.AsNoTracking().Where(i => i.CustomerId == id).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        var tags = await db.Tags.AsNoTracking().Where(t => t.CustomerId == id).OrderBy(t => t.Tag).Select(t => new TagView(t.Tag, t.Kind)).ToListAsync(cancellationToken);
        var consents = await db.Consents.AsNoTracking().Where(x => x.CustomerId == id).OrderBy(x => x.Channel).ToListAsync(cancellationToken);
        var timeline = db.Timeline.AsNoTracking().Where(t => t.CustomerId == id);
        if (timelineBefore is { } before)
        {
            timeline = timeline.Where(t => t.Id < before);
        }

        var items = await timeline.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id).Take(timelineLimit + 1).ToListAsync(cancellationToken);
        var contacts = await db.Contacts.AsNoTracking().Where(x => x.CompanyId == id).OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var cycles = await db.ProductCycles.AsNoTracking().Where(p => p.CustomerId == id).OrderBy(p => p.Product).ToListAsync(cancellationToken);

        var cuts = c.OrderCount > 0 ? await scorer.CutsAsync(cancellationToken) : RfmCuts.Empty;
        var breakdown = c.OrderCount > 0 ? ValueModel.Score(ValueScorer.Input(c), cuts, valueOptions.Value, c.ScoredAt ?? time.GetUtcNow().ToUnixTimeMilliseconds()).Breakdown : [];
        var extra = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            extra[section.Name] = await section.LoadAsync(id, cancellationToken);
        }

        var view = new CustomerView(
            c.Id,
            c.Status,
            c.MergedInto,
            new ProfileView(c.Name, c.Nickname, c.Company, c.Title, c.Province, c.City, c.Source, c.Industry,
                masked ? Masking.Phone(c.Phone) : c.Phone, masked ? Masking.Email(c.Email) : c.Email,
                ProfileUpdate.ReadFields(c.CustomFields), At(c.CreatedAt), At(c.UpdatedAt), c.RegionSource),
            c.OwnerId,
            At(c.OwnerSince),
            new ValueView(c.Tier, c.Score, c.RScore, c.FScore, c.MScore, c.OrderCount, Masking.Amount(c.MonetaryCents, masked),
                At(c.FirstOrderAt), At(c.LastOrderAt), breakdown, At(c.LastSalesActivityAt)),
            identities.Select(i => new IdentityView(i.Type, i.Account.Length == 0 ? null : i.Account, MaskIdentity(i.Type, i.Value, masked), At(i.CreatedAt))).ToList(),
            tags,
            consents.Select(x => new ConsentView(x.Channel, x.Granted, At(x.At), x.Source)).ToList(),
            new TimelinePage(items.Take(timelineLimit).Select(t => new TimelineItem(t.Id, t.Kind, t.Channel, At(t.OccurredAt), t.Summary, t.Data, t.Position)).ToList(),
                items.Count > timelineLimit ? items[timelineLimit - 1].Id : null),
            contacts.Select(x => new DecisionMapEntry(x.Id, x.PersonId, x.Name, x.Title, x.Role, x.Influence, x.ReportsTo)).ToList(),
            cycles.Select(p => new RepurchaseView(p.Product, p.Purchases, At(p.LastPurchaseAt), p.CycleDays, At(p.NextDueAt))).ToList(),
            extra,
            masked);

        if (access.AuditRead && HasProtected(c, identities))
        {
            await audit.RecordAsync(new AuditEvent(caller.Id, AuditActions.ReadUnmasked, DataResources.Customers, id.ToString(), "{\"fields\":[\"phone\",\"email\",\"amounts\"],\"via\":\"view\"}"), cancellationToken);
        }

        return view;
    }

    /// <summary>
    /// One customer's protected fields in full, for a caller who sees them masked and may reveal
    /// them (<see cref="ProtectionOptions.RevealRoles"/>): the reason and the fields go to the audit log.
    /// </summary>
    public async Task<(bool Found, bool Allowed, RevealedFields? Fields)> RevealAsync(Guid id, Caller caller, string reason, CancellationToken cancellationToken)
    {
        var c = await FindVisibleAsync(id, caller, cancellationToken);
        if (c is null)
        {
            return (false, false, null);
        }

        if (!FieldPolicy.MayReveal(caller, protection.Value))
        {
            return (true, false, null);
        }

        var identities = await db.Identities.AsNoTracking()
            .Where(i => i.CustomerId == id && (i.Type == IdentityTypes.Phone || i.Type == IdentityTypes.Email)).OrderBy(i => i.Id)
            .Select(i => new IdentityView(i.Type, i.Account.Length == 0 ? null : i.Account, i.Value, At(i.CreatedAt))).ToListAsync(cancellationToken);
        await audit.RecordAsync(new AuditEvent(caller.Id, AuditActions.Reveal, DataResources.Customers, id.ToString(),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["fields"] = "phone,email,amounts", ["reason"] = reason }, CustomersJson.Default.DictionaryStringString)),
            cancellationToken);
        return (true, true, new RevealedFields(c.Id, c.Phone, c.Email, Masking.Amount(c.MonetaryCents, masked: false), identities));
    }

    public async Task<CustomerPage> ListAsync(CustomerFilter filter, Caller caller, CancellationToken cancellationToken)
    {
        var query = Filter(Visible(caller).Where(c => c.Status == CustomerStatus.Active), filter);
        if (filter.After is { } after)
        {
            query = query.Where(c => c.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(c => c.Id).Take(filter.Limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(filter.Limit).ToList();
        var summaries = new List<CustomerSummary>(page.Count);
        var reads = new List<AuditEvent>();
        foreach (var c in page)
        {
            var access = FieldPolicy.Decide(caller, c.OwnerId, protection.Value.UnmaskedRoles);
            var masked = !access.Unmasked;
            summaries.Add(new CustomerSummary(c.Id, c.Name, c.Nickname, c.Company, c.Province, c.City, c.Source,
                masked ? Masking.Phone(c.Phone) : c.Phone, masked ? Masking.Email(c.Email) : c.Email, c.OwnerId, c.Tier, c.Score));
            if (access.AuditRead && (c.Phone is not null || c.Email is not null))
            {
                reads.Add(new AuditEvent(caller.Id, AuditActions.ReadUnmasked, DataResources.Customers, c.Id.ToString(), "{\"fields\":[\"phone\",\"email\"],\"via\":\"list\"}"));
            }
        }

        await audit.RecordAsync(reads, cancellationToken);
        return new CustomerPage(summaries, rows.Count > filter.Limit ? page[^1].Id : null);
    }

    internal IQueryable<CustomerRow> Filter(IQueryable<CustomerRow> query, CustomerFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var q = filter.Q.Trim();
            var phone = Phone.Normalize(q)?.E164;
            var email = q.Contains('@', StringComparison.Ordinal) ? Email.Normalize(q).Address : null;
            if (phone is not null)
            {
                query = query.Where(c => c.Phone == phone || db.Identities.Any(i => i.CustomerId == c.Id && i.Type == IdentityTypes.Phone && i.Value == phone));
            }
            else if (email is not null)
            {
                query = query.Where(c => c.Email == email || db.Identities.Any(i => i.CustomerId == c.Id && i.Type == IdentityTypes.Email && i.Value == email));
            }
            else
            {
                var key = MatchText.Normalize(q);
                query = query.Where(c => c.NameKey.StartsWith(key) || c.CompanyKey.StartsWith(key));
            }
        }

        if (!string.IsNullOrWhiteSpace(filter.Tag))
        {
            query = query.Where(c => db.Tags.Any(t => t.CustomerId == c.Id && t.Tag == filter.Tag));
        }

        if (!string.IsNullOrWhiteSpace(filter.Tier))
        {
            query = query.Where(c => c.Tier == filter.Tier);
        }

        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            query = filter.Owner == "none" ? query.Where(c => c.OwnerId == null) : query.Where(c => c.OwnerId == filter.Owner);
        }

        if (!string.IsNullOrWhiteSpace(filter.Region))
        {
            // 上海 finds 上海 and 上海市, 广东 finds 广东省.
            query = query.Where(c => c.Province!.StartsWith(filter.Region) || c.City!.StartsWith(filter.Region));
        }

        if (!string.IsNullOrWhiteSpace(filter.Source))
        {
            // A channel finds every source on it: wechat finds wechat:qrscene_expo, web finds web:contact/baidu.
            query = query.Where(c => c.Source == filter.Source || c.Source!.StartsWith(filter.Source + ":") || c.Source!.StartsWith(filter.Source + "/"));
        }

        return query;
    }

    private static bool HasProtected(CustomerRow c, List<IdentityRow> identities) =>
        c.Phone is not null || c.Email is not null || c.MonetaryCents != 0
        || identities.Exists(i => i.Type is IdentityTypes.Phone or IdentityTypes.Email);

    private static string MaskIdentity(string type, string value, bool masked) => !masked ? value : type switch
    {
        IdentityTypes.Phone => Masking.Phone(value)!,
        IdentityTypes.Email => Masking.Email(value)!,
        _ => value,
    };
}

/// <summary>The audit actions the customer module records in the audit log.</summary>
internal static class AuditActions
{
    public const string ReadUnmasked = "customer.read-unmasked";
    public const string Reveal = "customer.reveal";
    public const string Export = "customer.export";
    public const string Merge = "customer.merge";
    public const string Unmerge = "customer.unmerge";
}
