using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Customers.Model;

namespace Scrm.Customers.Value;

/// <summary>
/// Keeps order aggregates, purchase cycles and value scores current for the customers an order,
/// merge or import touched, scoring them against the population's last cut points.
/// </summary>
internal sealed class ValueScorer(CustomersDbContext db, IOptions<ValueOptions> options, TimeProvider time)
{
    public const string CutsName = "rfm_cuts";

    /// <summary>Order count, spend, first and last order, and per-product purchase cycles, from the orders.</summary>
    public async Task RefreshAggregatesAsync(IReadOnlyCollection<Guid> customers, CancellationToken cancellationToken)
    {
        var ids = customers.Distinct().ToList();
        var totals = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.CustomerId)).GroupBy(o => o.CustomerId)
            .Select(g => new { Id = g.Key, Count = g.Count(), Sum = g.Sum(o => o.AmountCents), First = g.Min(o => o.OccurredAt), Last = g.Max(o => o.OccurredAt) })
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var customer in await db.Customers.Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken))
        {
            var t = totals.GetValueOrDefault(customer.Id);
            // Orders are segment facts: a change stamps the customer for the change feed.
            if (customer.OrderCount != (t?.Count ?? 0) || customer.MonetaryCents != (t?.Sum ?? 0) || customer.LastOrderAt != t?.Last)
            {
                customer.UpdatedAt = Math.Max(customer.UpdatedAt, now);
            }

            customer.OrderCount = t?.Count ?? 0;
            customer.MonetaryCents = t?.Sum ?? 0;
            customer.FirstOrderAt = t?.First;
            customer.LastOrderAt = t?.Last;
        }

        var lines = await (from o in db.Orders.AsNoTracking()
                           join l in db.OrderLines.AsNoTracking() on o.OrderId equals l.OrderId
                           where ids.Contains(o.CustomerId)
                           select new { o.CustomerId, l.Product, o.OccurredAt }).ToListAsync(cancellationToken);
        await db.ProductCycles.Where(p => ids.Contains(p.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        foreach (var group in lines.GroupBy(l => (l.CustomerId, l.Product)))
        {
            var cycle = PurchaseCycles.Estimate(group.Select(l => l.OccurredAt));
            db.ProductCycles.Add(new ProductCycleRow
            {
                CustomerId = group.Key.CustomerId,
                Product = group.Key.Product,
                Purchases = cycle.Purchases,
                LastPurchaseAt = cycle.LastPurchaseAt,
                CycleDays = cycle.CycleDays,
                NextDueAt = cycle.NextDueAt,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Scores the customers against the stored cut points (computing them first if there are none yet).</summary>
    public async Task RescoreAsync(IReadOnlyCollection<Guid> customers, CancellationToken cancellationToken)
    {
        var cuts = await CutsAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ids = customers.Distinct().ToList();
        foreach (var customer in await db.Customers.Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken))
        {
            var score = ValueModel.Score(Input(customer), cuts, options.Value, now);
            if (customer.RScore != score.R || customer.FScore != score.F || customer.MScore != score.M || customer.Tier != score.Tier)
            {
                customer.UpdatedAt = Math.Max(customer.UpdatedAt, now);
            }

            customer.RScore = score.R;
            customer.FScore = score.F;
            customer.MScore = score.M;
            customer.Score = score.Tier is null ? null : score.Score;
            customer.Tier = score.Tier;
            customer.ScoredAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<RfmCuts> CutsAsync(CancellationToken cancellationToken)
    {
        var stored = await db.ValueState.AsNoTracking().Where(s => s.Name == CutsName).Select(s => s.State).FirstOrDefaultAsync(cancellationToken);
        if (stored is not null)
        {
            return JsonSerializer.Deserialize(stored, CustomersJson.Default.RfmCuts) ?? RfmCuts.Empty;
        }

        // No full run yet: cut points of the customers who ordered so far (a small population, as it is early).
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = await db.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active && c.OrderCount > 0)
            .Select(c => new { c.OrderCount, c.MonetaryCents, c.LastOrderAt }).Take(100_000).ToListAsync(cancellationToken);
        return ValueModel.Cuts(
            rows.Select(r => ValueModel.RecencyDays(r.LastOrderAt ?? now, now)).ToArray(),
            rows.Select(r => (double)r.OrderCount).ToArray(),
            rows.Select(r => (double)r.MonetaryCents).ToArray());
    }

    public static ValueInput Input(CustomerRow c) =>
        new(c.OrderCount, c.MonetaryCents, c.LastOrderAt, c.CustomFields is null ? null : ProfileUpdate.ReadFields(c.CustomFields));
}
