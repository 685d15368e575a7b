using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;

namespace Scrm.Customers.Directory;

/// <summary>
/// What segments select customers by, for one customer. Times are Unix milliseconds; amounts in
/// cents (fen). <paramref name="Identities"/> names the kinds of identity the customer has
/// (<c>wechat</c>, <c>wecom</c>, <c>phone</c>, <c>email</c>, <c>weibo</c>); <paramref name="Consent"/>
/// the channels (<c>wechat</c>, <c>wecom</c>, …) on which some account holds the customer's consent.
/// <paramref name="LastContactAt"/> is the last sales activity, <paramref name="LastInboundAt"/> the
/// last item the customer sent on any channel. <paramref name="Active"/> is false once merged away.
/// </summary>
public sealed record CustomerFactSheet(
    Guid Id,
    bool Active,
    string? Tier,
    int R,
    int F,
    int M,
    IReadOnlyList<string> Tags,
    string? Province,
    string? City,
    string? Source,
    string? Owner,
    IReadOnlyList<string> Identities,
    IReadOnlyList<string> Consent,
    int OrderCount,
    long AmountCents,
    long? LastOrderAt,
    long? LastContactAt,
    long? LastInboundAt,
    long CreatedAt,
    CustomerChangeMark Mark);

/// <summary>How a customer can be reached: profile contacts, channel identities (stored type such as <c>wechat_openid</c>, account, value), consent rows (<c>channel:account</c>) and the last inbound (Unix ms).</summary>
public sealed record CustomerReach(Guid Id, string? Name, string? Nickname, string? Phone, string? Email, string? Tier, string? Province, string? City,
    IReadOnlyList<ReachIdentity> Identities, IReadOnlyList<ReachConsent> Consents, long? LastInboundAt);

public sealed record ReachIdentity(string Type, string Account, string Value);

/// <param name="At">When the consent was given or withdrawn (Unix ms).</param>
public sealed record ReachConsent(string Channel, bool Granted, long At = 0);

/// <summary>
/// Customer facts in the order customers last changed, for modules that keep their own copy (the
/// segment index): the same marks as <see cref="CustomerChanges"/>. A customer's facts change with
/// its profile, owner, tags, identities, consent, orders and value score, each of which stamps it.
/// </summary>
public sealed class CustomerFactSheets(IDbContextFactory<CustomersDbContext> contexts)
{
    /// <summary>The identity kinds as segments name them, from the stored identity types.</summary>
    public static string? IdentityKind(string type) => type switch
    {
        IdentityTypes.WeChatOpenId or IdentityTypes.WeChatUnionId => "wechat",
        IdentityTypes.WeComExternalUserId => "wecom",
        IdentityTypes.Phone => "phone",
        IdentityTypes.Email => "email",
        IdentityTypes.WeiboUid => "weibo",
        _ => null,
    };

    /// <summary>Name, contacts, owner, tier and region of the given customers (at most a few thousand at a time), in no particular order.</summary>
    public async Task<IReadOnlyList<CustomerCard>> CardsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var list = ids.Distinct().ToList();
        return await db.Customers.AsNoTracking().Where(c => list.Contains(c.Id))
            .Select(c => new CustomerCard(c.Id, c.Name, c.Nickname, c.Company, c.Phone, c.Email, c.OwnerId, c.Tier, c.Province, c.City))
            .ToListAsync(cancellationToken);
    }

    /// <summary>How the given customers (at most a few thousand at a time) can be reached: contacts, channel identities, consent and last inbound; merged-away customers are left out.</summary>
    public async Task<IReadOnlyList<CustomerReach>> ReachAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var list = ids.Distinct().ToList();
        var rows = await db.Customers.AsNoTracking().Where(c => list.Contains(c.Id) && c.Status == CustomerStatus.Active)
            .Select(c => new { c.Id, c.Name, c.Nickname, c.Phone, c.Email, c.Tier, c.Province, c.City })
            .ToListAsync(cancellationToken);
        var identities = (await db.Identities.AsNoTracking().Where(i => list.Contains(i.CustomerId))
                .Select(i => new { i.CustomerId, i.Type, i.Account, i.Value }).ToListAsync(cancellationToken))
            .ToLookup(i => i.CustomerId, i => new ReachIdentity(i.Type, i.Account, i.Value));
        var consents = (await db.Consents.AsNoTracking().Where(c => list.Contains(c.CustomerId))
                .Select(c => new { c.CustomerId, c.Channel, c.Granted, c.At }).ToListAsync(cancellationToken))
            .ToLookup(c => c.CustomerId, c => new ReachConsent(c.Channel, c.Granted, c.At));
        var inbound = (await db.Timeline.AsNoTracking().Where(t => list.Contains(t.CustomerId) && t.Position != null)
                .GroupBy(t => t.CustomerId).Select(g => new { Id = g.Key, Last = g.Max(t => t.OccurredAt) }).ToListAsync(cancellationToken))
            .ToDictionary(t => t.Id, t => t.Last);
        return [.. rows.Select(c => new CustomerReach(c.Id, c.Name, c.Nickname, c.Phone, c.Email, c.Tier, c.Province, c.City,
            [.. identities[c.Id]], [.. consents[c.Id]], inbound.TryGetValue(c.Id, out var last) ? last : null))];
    }

    /// <summary>Customers changed after <paramref name="after"/> and at or before <paramref name="through"/> (Unix ms), oldest change first.</summary>
    public async Task<IReadOnlyList<CustomerFactSheet>> ReadAsync(CustomerChangeMark after, long through, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Customers.AsNoTracking()
            .Where(c => c.UpdatedAt <= through
                && (c.UpdatedAt > after.UpdatedAt || c.UpdatedAt == after.UpdatedAt && c.Id.CompareTo(after.Id) > 0))
            .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Take(limit)
            .Select(c => new
            {
                c.Id, c.Status, c.Tier, c.RScore, c.FScore, c.MScore, c.Province, c.City, c.Source, c.OwnerId, c.Phone, c.Email,
                c.OrderCount, c.MonetaryCents, c.LastOrderAt, c.LastSalesActivityAt, c.CreatedAt, c.UpdatedAt,
            })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToList();
        var tags = (await db.Tags.AsNoTracking().Where(t => ids.Contains(t.CustomerId)).Select(t => new { t.CustomerId, t.Tag }).ToListAsync(cancellationToken))
            .ToLookup(t => t.CustomerId, t => t.Tag);
        var identities = (await db.Identities.AsNoTracking().Where(i => ids.Contains(i.CustomerId))
                .Select(i => new { i.CustomerId, i.Type }).Distinct().ToListAsync(cancellationToken))
            .ToLookup(i => i.CustomerId, i => i.Type);
        // A consent withdrawn for a whole channel (an unsubscribe) outranks any account's consent on it.
        var consentRows = await db.Consents.AsNoTracking().Where(c => ids.Contains(c.CustomerId))
            .Select(c => new { c.CustomerId, c.Channel, c.Granted }).ToListAsync(cancellationToken);
        var withdrawn = consentRows.Where(c => !c.Granted && !c.Channel.Contains(':')).Select(c => (c.CustomerId, c.Channel)).ToHashSet();
        var consents = consentRows.Where(c => c.Granted && !withdrawn.Contains((c.CustomerId, c.Channel.Split(':', 2)[0])))
            .ToLookup(c => c.CustomerId, c => c.Channel);
        var inbound = (await db.Timeline.AsNoTracking().Where(t => ids.Contains(t.CustomerId) && t.Position != null)
                .GroupBy(t => t.CustomerId).Select(g => new { Id = g.Key, Last = g.Max(t => t.OccurredAt) }).ToListAsync(cancellationToken))
            .ToDictionary(t => t.Id, t => t.Last);

        return [.. rows.Select(c =>
        {
            var kinds = identities[c.Id].Select(IdentityKind).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (c.Phone is not null)
            {
                kinds.Add("phone");
            }

            if (c.Email is not null)
            {
                kinds.Add("email");
            }

            return new CustomerFactSheet(
                c.Id,
                c.Status == CustomerStatus.Active,
                c.Tier,
                c.RScore,
                c.FScore,
                c.MScore,
                [.. tags[c.Id].Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                c.Province,
                c.City,
                c.Source,
                c.OwnerId,
                [.. kinds.Order(StringComparer.Ordinal)],
                [.. consents[c.Id].Select(ch => ch.Split(':', 2)[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                c.OrderCount,
                c.MonetaryCents,
                c.LastOrderAt,
                c.LastSalesActivityAt,
                inbound.TryGetValue(c.Id, out var last) ? last : null,
                c.CreatedAt,
                new CustomerChangeMark(c.UpdatedAt, c.Id));
        })];
    }
}
