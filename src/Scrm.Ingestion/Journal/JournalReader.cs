using Microsoft.EntityFrameworkCore;

namespace Scrm.Ingestion.Journal;

/// <summary>Reads committed journal items in position order; entries whose payload retention cleared are skipped.</summary>
public sealed class JournalReader(IDbContextFactory<JournalDbContext> contexts)
{
    /// <summary>Up to <paramref name="limit"/> items after <paramref name="after"/>, none past <paramref name="through"/>.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(long after, int limit, CancellationToken cancellationToken, long through = long.MaxValue)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Items.AsNoTracking()
            .Where(x => x.Position > after && x.Position <= through && x.Payload != "")
            .OrderBy(x => x.Position)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(ToEntry);
    }

    public async Task<JournalEntry?> FindAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Items.AsNoTracking().FirstOrDefaultAsync(x => x.IdempotencyKey == idempotencyKey, cancellationToken);
        return row is null ? null : ToEntry(row);
    }

    /// <summary>The items at these positions, in position order (without those whose payload retention cleared).</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadPositionsAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        if (positions.Count == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var list = positions.ToList();
        var rows = await db.Items.AsNoTracking().Where(x => list.Contains(x.Position) && x.Payload != "").OrderBy(x => x.Position).ToListAsync(cancellationToken);
        return rows.ConvertAll(ToEntry);
    }

    public async Task<long> LastPositionAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Items.MaxAsync(x => (long?)x.Position, cancellationToken) ?? 0;
    }

    /// <summary>The replica whose lease on <paramref name="consumer"/> has not lapsed, or null when none holds it.</summary>
    public async Task<string?> LeaseHolderAsync(string consumer, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Checkpoints.AsNoTracking().Where(c => c.Consumer == consumer && c.LeaseUntil > now).Select(c => c.LeaseOwner).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<JournalStats> StatsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counters = await db.Counters.AsNoTracking().ToDictionaryAsync(x => x.Name, x => x.Value, cancellationToken);
        var last = await db.Items.MaxAsync(x => (long?)x.Position, cancellationToken) ?? 0;
        var checkpoints = await db.Checkpoints.AsNoTracking().OrderBy(x => x.Consumer).ToListAsync(cancellationToken);
        var deadLetters = await db.DeadLetters.AsNoTracking()
            .GroupBy(x => x.Consumer)
            .Select(g => new { Consumer = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Consumer, x => x.Count, cancellationToken);
        return new JournalStats(
            counters.GetValueOrDefault(JournalCounters.Appended),
            counters.GetValueOrDefault(JournalCounters.Duplicates),
            last,
            checkpoints.ConvertAll(c => new ConsumerStats(
                c.Consumer,
                c.Position,
                Math.Max(0, last - c.Position),
                DateTimeOffset.FromUnixTimeMilliseconds(c.UpdatedAt),
                deadLetters.GetValueOrDefault(c.Consumer))));
    }

    internal static JournalEntry ToEntry(JournalRow row) => new(
        row.Position,
        InboundKinds.FromWire(row.Kind),
        row.Channel,
        row.Account,
        row.IdempotencyKey,
        DateTimeOffset.FromUnixTimeMilliseconds(row.OccurredAt),
        DateTimeOffset.FromUnixTimeMilliseconds(row.ReceivedAt),
        row.Payload);
}

/// <summary>What <c>GET /api/v1/journal/stats</c> answers.</summary>
public sealed record JournalStats(long Appended, long Duplicates, long LastPosition, IReadOnlyList<ConsumerStats> Consumers);

/// <summary>One consumer's checkpoint and how far behind the journal it is.</summary>
public sealed record ConsumerStats(string Name, long Position, long Lag, DateTimeOffset UpdatedAt, int DeadLetters);
