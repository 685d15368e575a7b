using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Model;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;

namespace Scrm.Customers.View;

internal sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>A merge involving the customer, with the state before and after, as recorded.</summary>
internal sealed record MergeEntry(Guid Id, Guid SurvivorId, Guid MergedId, string Actor, string Reason, DateTimeOffset At, string Before, string After, string? OwnerConflict, DateTimeOffset? UndoneAt, string? UndoneBy);

/// <summary>
/// A customer's history: <see cref="Entries"/> are the changes (kept with the customer, written in the
/// change's own transaction), <see cref="Merges"/> the merges with before and after, and
/// <see cref="Access"/> the newest entries of the audit log about this customer (unmasked reads,
/// reveals, merges and unmerges made through the API, by whom and when).
/// </summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Next, IReadOnlyList<MergeEntry> Merges, IReadOnlyList<Platform.Audit.AuditEntry> Access);

internal sealed class AuditReader(CustomersDbContext db, AuditQuery log)
{
    public const int PageSize = 100;

    public async Task<AuditPage> ReadAsync(Guid id, long? before, CancellationToken cancellationToken)
    {
        var query = db.Audit.AsNoTracking().Where(a => a.CustomerId == id);
        if (before is { } b)
        {
            query = query.Where(a => a.Id < b);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(PageSize + 1).ToListAsync(cancellationToken);
        var merges = await db.Merges.AsNoTracking().Where(m => m.SurvivorId == id || m.MergedId == id).OrderByDescending(m => m.At).Take(50).ToListAsync(cancellationToken);
        var access = before is null
            ? (await log.ReadAsync(new AuditFilter(Resource: DataResources.Customers, ResourceId: id.ToString(), Limit: PageSize), cancellationToken)).Entries
            : [];
        return new AuditPage(
            rows.Take(PageSize).Select(a => new AuditEntry(a.Id, DateTimeOffset.FromUnixTimeMilliseconds(a.At), a.Actor, a.Action, a.Detail)).ToList(),
            rows.Count > PageSize ? rows[PageSize - 1].Id : null,
            merges.Select(m => new MergeEntry(m.Id, m.SurvivorId, m.MergedId, m.Actor, m.Reason, DateTimeOffset.FromUnixTimeMilliseconds(m.At), m.Before, m.After,
                m.OwnerConflict, m.UndoneAt is { } u ? DateTimeOffset.FromUnixTimeMilliseconds(u) : null, m.UndoneBy)).ToList(),
            access);
    }
}
