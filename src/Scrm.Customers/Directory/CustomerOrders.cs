using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Model;

namespace Scrm.Customers.Directory;

/// <summary>An order as results attribute it: whose, when (Unix ms) and how much (fen).</summary>
public sealed record CustomerOrderEvent(Guid Customer, string OrderId, long OccurredAt, long AmountCents, string Currency);

/// <summary>The customers' orders — the value events the customer model records — for modules that attribute them (campaign results).</summary>
public sealed class CustomerOrders(IDbContextFactory<CustomersDbContext> contexts)
{
    /// <summary>Orders of the given customers (at most a few thousand at a time) placed after <paramref name="after"/> and at or before <paramref name="through"/> (Unix ms).</summary>
    public async Task<IReadOnlyList<CustomerOrderEvent>> PlacedAsync(IReadOnlyCollection<Guid> customers, long after, long through, CancellationToken cancellationToken)
    {
        if (customers.Count == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var list = customers.Distinct().ToList();
        return await db.Orders.AsNoTracking().Where(o => list.Contains(o.CustomerId) && o.OccurredAt > after && o.OccurredAt <= through)
            .Select(o => new CustomerOrderEvent(o.CustomerId, o.OrderId, o.OccurredAt, o.AmountCents, o.Currency))
            .ToListAsync(cancellationToken);
    }
}
