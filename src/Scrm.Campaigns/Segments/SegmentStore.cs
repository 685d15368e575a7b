using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Campaigns.Storage;

namespace Scrm.Campaigns.Segments;

/// <summary>A saved segment as the API shows it.</summary>
internal sealed record SegmentView(
    Guid Id, string Name, string? Description, JsonElement Rule, string CreatedBy, DateTimeOffset CreatedAt, string UpdatedBy, DateTimeOffset UpdatedAt, int Version);

/// <summary>What a marketer sends to save a segment; <c>version</c> is the one they changed (updates only).</summary>
internal sealed record SegmentInput(string? Name, string? Description, JsonElement? Rule, int? Version);

/// <summary>How a save went: saved, not found, or someone saved it in between.</summary>
internal enum SaveOutcome { Saved, NotFound, Conflict }

/// <summary>Saved segments: their names and validated rule trees.</summary>
internal sealed class SegmentStore(CampaignsDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<SegmentView>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await db.Segments.AsNoTracking().OrderBy(s => s.Name).ThenBy(s => s.Id).Take(1_000).ToListAsync(cancellationToken)).Select(View)];

    public async Task<SegmentView?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is { } row ? View(row) : null;

    /// <summary>The parsed rule of a saved segment, or null when there is no such segment.</summary>
    public async Task<SegmentRule?> RuleAsync(Guid id, CancellationToken cancellationToken)
    {
        var json = await db.Segments.AsNoTracking().Where(s => s.Id == id).Select(s => s.Rule).FirstOrDefaultAsync(cancellationToken);
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return RuleParser.Parse(document.RootElement).Rule;
    }

    public async Task<SegmentView> CreateAsync(string name, string? description, JsonElement rule, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = new SegmentRow
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Description = description,
            Rule = rule.GetRawText(),
            CreatedBy = by,
            CreatedAt = now.ToUnixTimeMilliseconds(),
            UpdatedBy = by,
            UpdatedAt = now.ToUnixTimeMilliseconds(),
            Version = 1,
        };
        db.Segments.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    public async Task<(SaveOutcome Outcome, SegmentView? Segment)> UpdateAsync(
        Guid id, int version, string name, string? description, JsonElement rule, string by, CancellationToken cancellationToken)
    {
        var row = await db.Segments.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (row is null)
        {
            return (SaveOutcome.NotFound, null);
        }

        if (row.Version != version)
        {
            return (SaveOutcome.Conflict, View(row));
        }

        row.Name = name;
        row.Description = description;
        row.Rule = rule.GetRawText();
        row.UpdatedBy = by;
        row.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        row.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (SaveOutcome.Conflict, null);
        }

        return (SaveOutcome.Saved, View(row));
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.Segments.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        await db.SegmentMembers.Where(m => m.SegmentId == id).ExecuteDeleteAsync(cancellationToken);
        return true;
    }

    private static SegmentView View(SegmentRow row)
    {
        using var document = JsonDocument.Parse(row.Rule);
        return new SegmentView(row.Id, row.Name, row.Description, document.RootElement.Clone(), row.CreatedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), row.UpdatedBy, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt), row.Version);
    }
}
