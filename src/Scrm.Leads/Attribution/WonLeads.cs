using Microsoft.EntityFrameworkCore;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;

namespace Scrm.Leads.Attribution;

/// <summary>A payment recorded on a lead: its id (an order's id when sales record the order's money) and amount (yuan).</summary>
public sealed record WonLeadPayment(string PaymentId, decimal Amount);

/// <summary>A lead that is won: when it was won, the payments on it, and what tells whose it is.</summary>
/// <param name="CustomerKey">The lead's customer key (<c>customer:{id}</c> once the customer model resolved it).</param>
/// <param name="JournalPositions">The journal items the lead was made from or joined by, for a lead without a resolved customer key.</param>
public sealed record WonLead(long LeadId, long WonAt, IReadOnlyList<WonLeadPayment> Payments, string? CustomerKey, IReadOnlyList<long> JournalPositions);

/// <summary>Won leads as value events for other modules' attribution (campaign conversions).</summary>
public sealed class WonLeads(IDbContextFactory<LeadsDbContext> contexts)
{
    /// <summary>Leads won after <paramref name="from"/> (Unix ms) that are still won, each at its latest move to won.</summary>
    public async Task<IReadOnlyList<WonLead>> SinceAsync(long from, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var won = await db.StageChanges.AsNoTracking()
            .Where(s => s.To == LeadStage.Won && s.At > from)
            .Join(db.Leads.Where(l => l.Stage == LeadStage.Won), s => s.LeadId, l => l.Id, (s, l) => new { l.Id, s.At, l.CustomerKey })
            .ToListAsync(cancellationToken);
        if (won.Count == 0)
        {
            return [];
        }

        var ids = won.Select(w => w.Id).Distinct().ToList();
        var payments = (await db.Payments.AsNoTracking().Where(p => ids.Contains(p.LeadId)).Select(p => new { p.LeadId, p.PaymentId, p.Amount }).ToListAsync(cancellationToken))
            .ToLookup(p => p.LeadId, p => new WonLeadPayment(p.PaymentId, p.Amount));
        var positions = (await db.Touches.AsNoTracking().Where(t => ids.Contains(t.LeadId)).Select(t => new { t.LeadId, t.SourceKey }).ToListAsync(cancellationToken))
            .Where(t => LeadDrafts.JournalPosition(t.SourceKey) is not null)
            .ToLookup(t => t.LeadId, t => LeadDrafts.JournalPosition(t.SourceKey)!.Value);
        return [.. won.GroupBy(w => w.Id).Select(g => g.MaxBy(w => w.At)!)
            .Select(w => new WonLead(w.Id, w.At, [.. payments[w.Id].OrderBy(p => p.PaymentId, StringComparer.Ordinal)], w.CustomerKey, [.. positions[w.Id].Order()]))
            .OrderBy(w => w.WonAt).ThenBy(w => w.LeadId)];
    }
}
