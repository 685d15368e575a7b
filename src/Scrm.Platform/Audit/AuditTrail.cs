using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Platform.Batching;

namespace Scrm.Platform.Audit;

/// <summary>
/// One audited act: who (<paramref name="Actor"/>) did what (<paramref name="Action"/>) to which
/// record. <paramref name="Detail"/> is a short JSON object that never holds the protected values
/// themselves (field names, counts, a reason, a filter).
/// </summary>
public sealed record AuditEvent(string Actor, string Action, string Resource, string? ResourceId = null, string? Detail = null);

/// <summary>An entry as recorded, with its time.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string Resource, string? ResourceId, string? Detail);

/// <summary>The append-only audit log every module writes to: sign-ins, reads of protected data, reveals, exports, merges, handovers, role changes.</summary>
public interface IAuditTrail
{
    /// <summary>Appends the event and returns once it is committed.</summary>
    Task RecordAsync(AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>Appends several events in one commit.</summary>
    Task RecordAsync(IReadOnlyCollection<AuditEvent> entries, CancellationToken cancellationToken);
}

/// <summary>
/// Appends through one group-committed writer, so concurrent requests (a list of fifty customers
/// read by fifty people) share a commit. Rows are only ever inserted; the retention sweep is the
/// only delete.
/// </summary>
internal sealed class AuditTrail : IAuditTrail, IAsyncDisposable
{
    private readonly IDbContextFactory<AuditDbContext> _contexts;
    private readonly TimeProvider _time;
    private readonly GroupCommit<AuditEvent[], bool> _writer;

    public AuditTrail(IDbContextFactory<AuditDbContext> contexts, TimeProvider time, ILogger<AuditTrail> log)
    {
        _contexts = contexts;
        _time = time;
        _writer = new GroupCommit<AuditEvent[], bool>(WriteAsync, 200, log);
    }

    public Task RecordAsync(AuditEvent entry, CancellationToken cancellationToken) => _writer.SubmitAsync([entry], cancellationToken);

    public Task RecordAsync(IReadOnlyCollection<AuditEvent> entries, CancellationToken cancellationToken) =>
        entries.Count == 0 ? Task.CompletedTask : _writer.SubmitAsync([.. entries], cancellationToken);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<AuditEvent[]> batch, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entries in batch)
        {
            foreach (var e in entries)
            {
                db.Entries.Add(new AuditRow
                {
                    At = at,
                    Actor = AuditOutbox.Clip(e.Actor, 128),
                    Action = AuditOutbox.Clip(e.Action, 64),
                    Resource = AuditOutbox.Clip(e.Resource, 64),
                    ResourceId = e.ResourceId is null ? null : AuditOutbox.Clip(e.ResourceId, 128),
                    Detail = e.Detail is null ? null : AuditOutbox.Clip(e.Detail, 4000),
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return [.. batch.Select(_ => true)];
    }

}

/// <summary>Filters of the audit log query; all optional.</summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, string? Resource = null, string? ResourceId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, long? Before = null, int Limit = 100);

/// <summary>A page of entries, newest first; <see cref="Next"/> is the <c>before</c> of the next page.</summary>
public sealed record AuditLogPage(IReadOnlyList<AuditEntry> Entries, long? Next);

/// <summary>Reads the audit log for admins and for a record's own history.</summary>
public sealed class AuditQuery(IDbContextFactory<AuditDbContext> contexts, AuditOutbox outbox)
{
    /// <summary>A page of the log, with every entry whose change has committed (waiting entries are moved in first).</summary>
    public async Task<AuditLogPage> ReadAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        await outbox.DeliverAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Entries.AsNoTracking();
        if (filter.Actor is { } actor)
        {
            query = query.Where(e => e.Actor == actor);
        }

        if (filter.Action is { } action)
        {
            query = query.Where(e => e.Action == action);
        }

        if (filter.Resource is { } resource)
        {
            query = query.Where(e => e.Resource == resource);
        }

        if (filter.ResourceId is { } id)
        {
            query = query.Where(e => e.ResourceId == id);
        }

        if (filter.From is { } from)
        {
            var ms = from.ToUnixTimeMilliseconds();
            query = query.Where(e => e.At >= ms);
        }

        if (filter.To is { } to)
        {
            var ms = to.ToUnixTimeMilliseconds();
            query = query.Where(e => e.At < ms);
        }

        if (filter.Before is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(filter.Limit + 1).ToListAsync(cancellationToken);
        var entries = rows.Take(filter.Limit)
            .Select(r => new AuditEntry(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Actor, r.Action, r.Resource, r.ResourceId, r.Detail))
            .ToList();
        return new AuditLogPage(entries, rows.Count > filter.Limit ? entries[^1].Id : null);
    }
}
