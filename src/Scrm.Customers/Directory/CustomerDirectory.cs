using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Model;

namespace Scrm.Customers.Directory;

/// <summary>What another module needs to know about the customer an inbound item was resolved to.</summary>
public sealed record CustomerFacts(Guid Id, string? Owner, string? Tier, string? Province, string? City);

/// <summary>
/// The customer model's surface for other modules: which customer a journal item was resolved to,
/// and claiming a sales owner for a customer who has none (a customer never has two).
/// </summary>
public sealed class CustomerDirectory(IDbContextFactory<CustomersDbContext> contexts, TimeProvider time)
{
    /// <summary>The customer the item at <paramref name="position"/> was resolved to, or null when resolution has not reached it.</summary>
    public async Task<CustomerFacts?> ForJournalItemAsync(long position, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var eventKey = $"j:{position}";
        var customerId = await db.Timeline.AsNoTracking()
            .Where(t => t.EventKey == eventKey)
            .Select(t => (Guid?)t.CustomerId)
            .FirstOrDefaultAsync(cancellationToken);
        if (customerId is not { } id)
        {
            return null;
        }

        // Follow merges to the surviving customer.
        for (var hops = 0; hops < 10; hops++)
        {
            var row = await db.Customers.AsNoTracking().Where(c => c.Id == id)
                .Select(c => new { c.Id, c.MergedInto, c.OwnerId, c.Tier, c.Province, c.City })
                .FirstOrDefaultAsync(cancellationToken);
            if (row is null)
            {
                return null;
            }

            if (row.MergedInto is not { } survivor)
            {
                return new CustomerFacts(row.Id, row.OwnerId, row.Tier, row.Province, row.City);
            }

            id = survivor;
        }

        return null;
    }

    /// <summary>Makes <paramref name="owner"/> the customer's sales owner unless someone already is; returns whoever owns it now.</summary>
    public async Task<string?> ClaimOwnerAsync(Guid customerId, string owner, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.Customers.Where(c => c.Id == customerId && c.OwnerId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerId, owner).SetProperty(c => c.OwnerSince, now).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        return await db.Customers.Where(c => c.Id == customerId).Select(c => c.OwnerId).FirstOrDefaultAsync(cancellationToken);
    }
}
