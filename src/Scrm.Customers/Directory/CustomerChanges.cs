using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;

namespace Scrm.Customers.Directory;

/// <summary>Where a reader of <see cref="CustomerChanges"/> stands: the last change it has seen.</summary>
public readonly record struct CustomerChangeMark(long UpdatedAt, Guid Id)
{
    public static readonly CustomerChangeMark Start = new(long.MinValue, Guid.Empty);
}

/// <summary>
/// A customer as other modules show it (search): the profile, tags and contacts, unmasked. Whoever
/// shows it applies the field-protection rule. <paramref name="Active"/> is false for a customer
/// merged into another, which is no longer shown.
/// </summary>
public sealed record CustomerRecord(
    Guid Id,
    bool Active,
    string? Name,
    string? Nickname,
    string? Company,
    string? Title,
    string? Province,
    string? City,
    string? Industry,
    string? Source,
    string? Owner,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Contacts,
    CustomerChangeMark Mark);

/// <summary>
/// Customers in the order they last changed, for modules that keep a copy (the search index). Every
/// write to a customer's profile, owner, tags or identities stamps its <c>UpdatedAt</c>; a reader
/// asks for the changes after its mark and up to a time a little in the past, so that transactions
/// still committing with an earlier stamp are not skipped.
/// </summary>
public sealed class CustomerChanges(IDbContextFactory<CustomersDbContext> contexts)
{
    /// <summary>Customers changed after <paramref name="after"/> and at or before <paramref name="through"/> (Unix ms), oldest change first.</summary>
    public async Task<IReadOnlyList<CustomerRecord>> ReadAsync(CustomerChangeMark after, long through, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Customers.AsNoTracking()
            .Where(c => c.UpdatedAt <= through
                && (c.UpdatedAt > after.UpdatedAt || c.UpdatedAt == after.UpdatedAt && c.Id.CompareTo(after.Id) > 0))
            .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToList();
        var tags = (await db.Tags.AsNoTracking().Where(t => ids.Contains(t.CustomerId)).Select(t => new { t.CustomerId, t.Tag }).ToListAsync(cancellationToken))
            .ToLookup(t => t.CustomerId, t => t.Tag);
        var identities = (await db.Identities.AsNoTracking()
                .Where(i => ids.Contains(i.CustomerId) && (i.Type == IdentityTypes.Phone || i.Type == IdentityTypes.Email))
                .Select(i => new { i.CustomerId, i.Value }).ToListAsync(cancellationToken))
            .ToLookup(i => i.CustomerId, i => i.Value);
        return [.. rows.Select(c => new CustomerRecord(
            c.Id,
            c.Status == CustomerStatus.Active,
            c.Name,
            c.Nickname,
            c.Company,
            c.Title,
            c.Province,
            c.City,
            c.Industry,
            c.Source,
            c.OwnerId,
            DateTimeOffset.FromUnixTimeMilliseconds(c.CreatedAt),
            [.. tags[c.Id].Order(StringComparer.Ordinal)],
            [.. new[] { c.Phone, c.Email }.Concat(identities[c.Id]).OfType<string>().Distinct(StringComparer.Ordinal)],
            new CustomerChangeMark(c.UpdatedAt, c.Id)))];
    }
}
