using Microsoft.EntityFrameworkCore;
using Scrm.Leads.Storage;
using Scrm.Platform.Calendar;

namespace Scrm.Leads.Attribution;

/// <summary>Loads the leads, payments and costs of a period and builds the channel report.</summary>
internal sealed class ChannelReports(IDbContextFactory<LeadsDbContext> contexts)
{
    public async Task<IReadOnlyList<ChannelLine>> BuildAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset);
        var end = new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).AddDays(1);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var startMs = start.ToUnixTimeMilliseconds();
        var endMs = end.ToUnixTimeMilliseconds();
        var leads = await db.Leads.AsNoTracking().Where(l => l.CreatedAt >= startMs && l.CreatedAt < endMs)
            .Select(l => new { l.Id, l.Channel, l.CreatedAt, l.FurthestStage }).ToListAsync(cancellationToken);
        var ids = leads.Select(l => l.Id).ToList();
        var payments = (await db.Payments.AsNoTracking().Where(p => ids.Contains(p.LeadId)).ToListAsync(cancellationToken))
            .ToLookup(p => p.LeadId);
        var costs = (await db.ChannelCosts.AsNoTracking().Where(c => c.Day >= from && c.Day <= to).ToListAsync(cancellationToken))
            .GroupBy(c => c.Channel).ToDictionary(g => g.Key, g => g.Sum(c => c.Amount), StringComparer.Ordinal);
        return ChannelReport.Build(
            leads.Select(l => new ReportLead(l.Channel, DateTimeOffset.FromUnixTimeMilliseconds(l.CreatedAt), l.FurthestStage,
                payments[l.Id].Select(p => (DateTimeOffset.FromUnixTimeMilliseconds(p.PaidAt), p.Amount)).ToList())),
            costs, start, end);
    }
}
