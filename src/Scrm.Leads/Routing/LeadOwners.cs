using Microsoft.EntityFrameworkCore;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;

namespace Scrm.Leads.Routing;

/// <summary>A change of a lead's owner: the journal items the lead was made from or joined by, and who owns it now (null: the pool).</summary>
/// <param name="Sequence">The assignment's number: changes are read in this order.</param>
public sealed record LeadOwnerChange(long Sequence, IReadOnlyList<long> JournalPositions, string? Owner);

/// <summary>A journal item that became part of a lead, and who owns the lead now.</summary>
/// <param name="At">When it joined (Unix ms); with <paramref name="SourceKey"/>, where a reader stands.</param>
public sealed record LeadTouch(long JournalPosition, string SourceKey, long At, string? Owner);

/// <summary>
/// Who owns the leads that journal items became, for modules that show those items elsewhere (the
/// search index): the owner of given items now, the items as they join leads, and every change of
/// owner in order (routing, claims, hand-overs, returns to the pool), as each is recorded with an assignment.
/// </summary>
public sealed class LeadOwners(IDbContextFactory<LeadsDbContext> contexts)
{
    /// <summary>The owners of the leads the journal items at these positions made or joined; items that are not (yet) part of a lead are absent.</summary>
    public async Task<IReadOnlyDictionary<long, string?>> OfJournalItemsAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        if (positions.Count == 0)
        {
            return new Dictionary<long, string?>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = positions.Select(LeadDrafts.JournalKey).ToList();
        var rows = await db.Touches.AsNoTracking()
            .Where(t => keys.Contains(t.SourceKey))
            .Join(db.Leads, t => t.LeadId, l => l.Id, (t, l) => new { t.SourceKey, l.Owner })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => LeadDrafts.JournalPosition(r.SourceKey)!.Value, r => r.Owner);
    }

    /// <summary>
    /// Journal items that joined a lead after (<paramref name="afterAt"/>, <paramref name="afterKey"/>)
    /// and at or before <paramref name="through"/> (Unix ms, a little in the past so that intake transactions
    /// still committing are not skipped), in that order, each with its lead's owner now.
    /// </summary>
    public async Task<IReadOnlyList<LeadTouch>> TouchesAsync(long afterAt, string afterKey, long through, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Touches.AsNoTracking()
            .Where(t => t.At <= through && (t.At > afterAt || t.At == afterAt && string.Compare(t.SourceKey, afterKey) > 0))
            .Join(db.Leads, t => t.LeadId, l => l.Id, (t, l) => new { t.SourceKey, t.At, l.Owner })
            .OrderBy(x => x.At).ThenBy(x => x.SourceKey).Take(limit)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new LeadTouch(LeadDrafts.JournalPosition(r.SourceKey) ?? 0, r.SourceKey, r.At, r.Owner))];
    }

    /// <summary>Owner changes after <paramref name="after"/>, in sequence order, each with the lead's current owner.</summary>
    public async Task<IReadOnlyList<LeadOwnerChange>> ChangesAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assignments = await db.Assignments.AsNoTracking()
            .Where(a => a.Id > after).OrderBy(a => a.Id).Take(limit)
            .Select(a => new { a.Id, a.LeadId })
            .ToListAsync(cancellationToken);
        if (assignments.Count == 0)
        {
            return [];
        }

        var leadIds = assignments.Select(a => a.LeadId).Distinct().ToList();
        var owners = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Owner, cancellationToken);
        var positions = (await db.Touches.AsNoTracking().Where(t => leadIds.Contains(t.LeadId)).Select(t => new { t.LeadId, t.SourceKey }).ToListAsync(cancellationToken))
            .Where(t => LeadDrafts.JournalPosition(t.SourceKey) is not null)
            .ToLookup(t => t.LeadId, t => LeadDrafts.JournalPosition(t.SourceKey)!.Value);
        return [.. assignments.Select(a => new LeadOwnerChange(a.Id, [.. positions[a.LeadId]], owners.GetValueOrDefault(a.LeadId)))];
    }
}
