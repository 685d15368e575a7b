using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Storage;

namespace Scrm.Campaigns.Sending;

internal static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Cancelled = "cancelled";
    public const string Completed = "completed";
}

internal static class RecipientStatus
{
    public const string Pending = "pending";
    public const string Claimed = "claimed";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Held = "held";
    public const string Cancelled = "cancelled";

    /// <summary>Outside an A/B test's share: waits for the winner.</summary>
    public const string Waiting = "waiting";
}

public sealed record CampaignView(
    Guid Id, string Name, Guid SegmentId, CampaignPlan Plan, string Status, DateTimeOffset? ScheduledAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    int? Audience, string CreatedBy, DateTimeOffset CreatedAt, string UpdatedBy, DateTimeOffset UpdatedAt, int Version);

internal sealed record CampaignInput(string? Name, Guid? SegmentId, IReadOnlyList<ChannelPlan>? Channels, QuietHoursPlan? QuietHours, int? Version,
    IReadOnlyList<VariantPlan>? Variants = null, int? Holdout = null, bool? OnEntry = null, AbTestPlan? Test = null)
{
    public CampaignPlan? Plan => Channels is null ? null : new CampaignPlan(Channels, QuietHours, Variants, Holdout ?? 0, OnEntry ?? false, Test);
}

internal enum CampaignChange
{
    Done,
    NotFound,
    Conflict,
    WrongState,
}

/// <summary>Campaigns as marketers save them, and the moves between states (schedule, start, pause, resume, cancel).</summary>
internal sealed class CampaignStore(IDbContextFactory<CampaignsDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyList<CampaignView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return [.. (await db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(500).ToListAsync(cancellationToken)).Select(View)];
    }

    public async Task<CampaignView?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } row ? View(row) : null;
    }

    public async Task<CampaignView> CreateAsync(string name, Guid segmentId, CampaignPlan plan, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = new CampaignRow
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            SegmentId = segmentId,
            Plan = JsonSerializer.Serialize(plan, PlanRules.Json),
            Status = CampaignStatus.Draft,
            CreatedBy = by,
            CreatedAt = now.ToUnixTimeMilliseconds(),
            UpdatedBy = by,
            UpdatedAt = now.ToUnixTimeMilliseconds(),
            Version = 1,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Campaigns.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    /// <summary>Changes a draft or scheduled campaign; a started one keeps what it started with.</summary>
    public Task<(CampaignChange, CampaignView?)> UpdateAsync(Guid id, int version, string name, Guid segmentId, CampaignPlan plan, string by, CancellationToken cancellationToken) =>
        ChangeAsync(id, version, by, [CampaignStatus.Draft, CampaignStatus.Scheduled], row =>
        {
            row.Name = name;
            row.SegmentId = segmentId;
            row.Plan = JsonSerializer.Serialize(plan, PlanRules.Json);
        }, cancellationToken);

    public Task<(CampaignChange, CampaignView?)> ScheduleAsync(Guid id, DateTimeOffset at, string by, CancellationToken cancellationToken) =>
        ChangeAsync(id, null, by, [CampaignStatus.Draft, CampaignStatus.Scheduled], row =>
        {
            row.Status = CampaignStatus.Scheduled;
            row.ScheduledAt = at.ToUnixTimeMilliseconds();
        }, cancellationToken);

    /// <summary>Due now: the sender materialises the recipients on its next pass.</summary>
    public Task<(CampaignChange, CampaignView?)> StartAsync(Guid id, string by, CancellationToken cancellationToken) =>
        ScheduleAsync(id, time.GetUtcNow(), by, cancellationToken);

    public Task<(CampaignChange, CampaignView?)> PauseAsync(Guid id, string by, CancellationToken cancellationToken) =>
        ChangeAsync(id, null, by, [CampaignStatus.Running], row => row.Status = CampaignStatus.Paused, cancellationToken);

    public Task<(CampaignChange, CampaignView?)> ResumeAsync(Guid id, string by, CancellationToken cancellationToken) =>
        ChangeAsync(id, null, by, [CampaignStatus.Paused], row => row.Status = CampaignStatus.Running, cancellationToken);

    /// <summary>Stops a campaign for good: recipients not yet claimed are never sent.</summary>
    public async Task<(CampaignChange, CampaignView?)> CancelAsync(Guid id, string by, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(id, null, by, [CampaignStatus.Draft, CampaignStatus.Scheduled, CampaignStatus.Running, CampaignStatus.Paused], row =>
        {
            row.Status = CampaignStatus.Cancelled;
            row.FinishedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        }, cancellationToken);
        if (result.Item1 == CampaignChange.Done)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Recipients.Where(r => r.CampaignId == id && (r.Status == RecipientStatus.Pending || r.Status == RecipientStatus.Waiting))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RecipientStatus.Cancelled), cancellationToken);
        }

        return result;
    }

    public async Task<CampaignChange> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } row)
        {
            return CampaignChange.NotFound;
        }

        if (row.Status is not (CampaignStatus.Draft or CampaignStatus.Scheduled))
        {
            return CampaignChange.WrongState;
        }

        db.Campaigns.Remove(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CampaignChange.Conflict;
        }

        return CampaignChange.Done;
    }

    private async Task<(CampaignChange, CampaignView?)> ChangeAsync(Guid id, int? version, string by, string[] from, Action<CampaignRow> change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } row)
        {
            return (CampaignChange.NotFound, null);
        }

        if (version is { } v && v != row.Version)
        {
            return (CampaignChange.Conflict, null);
        }

        if (!from.Contains(row.Status))
        {
            return (CampaignChange.WrongState, View(row));
        }

        change(row);
        row.UpdatedBy = by;
        row.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        row.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (CampaignChange.Conflict, null);
        }

        return (CampaignChange.Done, View(row));
    }

    internal static CampaignPlan PlanOf(CampaignRow row) => JsonSerializer.Deserialize<CampaignPlan>(row.Plan, PlanRules.Json)!;

    internal static CampaignView View(CampaignRow row) => new(
        row.Id, row.Name, row.SegmentId, PlanOf(row), row.Status, At(row.ScheduledAt), At(row.StartedAt), At(row.FinishedAt), row.Audience,
        row.CreatedBy, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), row.UpdatedBy, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt), row.Version);

    private static DateTimeOffset? At(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
