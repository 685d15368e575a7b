using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Model;

namespace Scrm.Customers.Value;

/// <summary>The value pyramid: customers and spend per tier, top tier first.</summary>
internal sealed record PyramidReport(IReadOnlyList<PyramidLevel> Levels, int Unscored);

internal static class ValuePyramid
{
    /// <summary>Shares are of the scored customers (those with a tier) and of their total spend.</summary>
    public static PyramidReport Build(IReadOnlyDictionary<string, (int Customers, long MonetaryCents)> byTier, int unscored)
    {
        var customers = byTier.Values.Sum(v => v.Customers);
        var money = byTier.Values.Sum(v => v.MonetaryCents);
        var levels = Tiers.Pyramid.Select(t =>
        {
            var (count, cents) = byTier.TryGetValue(t, out var v) ? v : (0, 0L);
            return new PyramidLevel(t, count, customers == 0 ? 0 : Math.Round((double)count / customers, 4), cents, money == 0 ? 0 : Math.Round((double)cents / money, 4));
        }).ToList();
        return new PyramidReport(levels, unscored);
    }

    /// <summary>The pyramid of <paramref name="customers"/> (the ones the caller may see).</summary>
    internal static async Task<PyramidReport> LoadAsync(IQueryable<CustomerRow> customers, CancellationToken cancellationToken)
    {
        var rows = await customers.Where(c => c.Status == CustomerStatus.Active)
            .GroupBy(c => c.Tier).Select(g => new { Tier = g.Key, Count = g.Count(), Sum = g.Sum(c => c.MonetaryCents) }).ToListAsync(cancellationToken);
        return Build(rows.Where(r => r.Tier is not null).ToDictionary(r => r.Tier!, r => (r.Count, r.Sum)), rows.Where(r => r.Tier is null).Sum(r => r.Count));
    }
}
