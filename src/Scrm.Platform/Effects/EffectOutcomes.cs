using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Scrm.Platform.Faults;

namespace Scrm.Platform.Effects;

/// <summary>What a side effect answered, and whether this call performed it or found it performed before under the same key.</summary>
public readonly record struct Effect<T>(T Outcome, bool Replayed);

/// <summary>
/// One performed side effect's first answer, kept by the module that owns the effect, in its own
/// store, and committed in the same transaction as the effect (ADR 0006).
/// </summary>
internal sealed class EffectOutcomeRow
{
    public string Key { get; set; } = "";

    /// <summary>The outcome as JSON.</summary>
    public string Outcome { get; set; } = "";

    public long RecordedAt { get; set; }
}

/// <summary>
/// The contract of a side effect that runs under a key (a workflow step's idempotency key):
/// its outcome is recorded with the effect, in one transaction, and a call with a key already
/// recorded answers that outcome without acting again. See ADR 0006 for how a module adopts it.
/// </summary>
public static class EffectOutcomes
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>
    /// Maps <see cref="EffectOutcomeRow"/> to the module's own table (<c>{prefix}_effect_outcomes</c>:
    /// on PostgreSQL every module shares one database); call it from the owning context's <c>OnModelCreating</c>.
    /// </summary>
    public static ModelBuilder MapEffectOutcomes(this ModelBuilder modelBuilder, string prefix) =>
        modelBuilder.Entity<EffectOutcomeRow>(e =>
        {
            e.ToTable($"{prefix}_effect_outcomes");
            e.HasKey(x => x.Key).HasName($"pk_{prefix}_effect_outcomes");
            e.Property(x => x.Key).HasMaxLength(300);
            e.HasIndex(x => x.RecordedAt).HasDatabaseName($"ix_{prefix}_effect_outcomes_recorded_at");
        });

    /// <summary>
    /// Commits an effect together with the outcomes recorded in <paramref name="transaction"/>. The
    /// crash tests end the process on either side of the commit (<c>{effect}:committing</c>, <c>{effect}:committed</c>).
    /// </summary>
    public static async Task CommitEffectAsync(this IDbContextTransaction transaction, string effect, CancellationToken cancellationToken)
    {
        CrashPoints.Reach(effect, committed: false);
        await transaction.CommitAsync(cancellationToken);
        CrashPoints.Reach(effect, committed: true);
    }

    /// <summary>
    /// Starts the effects of one transaction: reads the outcomes already recorded for
    /// <paramref name="keys"/> (nulls are calls without a key), inside the caller's transaction.
    /// </summary>
    public static async Task<EffectBatch<T>> LoadAsync<T>(DbContext db, IEnumerable<string?> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var recorded = new Dictionary<string, T>(StringComparer.Ordinal);
        if (wanted.Count > 0)
        {
            foreach (var row in await db.Set<EffectOutcomeRow>().AsNoTracking().Where(r => wanted.Contains(r.Key)).ToListAsync(cancellationToken))
            {
                recorded[row.Key] = JsonSerializer.Deserialize<T>(row.Outcome, Json)!;
            }
        }

        return new EffectBatch<T>(db, recorded);
    }

    internal static string Write<T>(T outcome) => JsonSerializer.Serialize(outcome, Json);
}

/// <summary>
/// The effects of one transaction (often a group commit of many callers): which keys were already
/// performed, answered from their record, and the new outcomes, added to the same unit of work so
/// they commit with the effect. Two requests with one key in a batch: the second is a replay.
/// </summary>
public sealed class EffectBatch<T>
{
    private readonly DbContext _db;
    private readonly Dictionary<string, T> _recorded;

    internal EffectBatch(DbContext db, Dictionary<string, T> recorded)
    {
        _db = db;
        _recorded = recorded;
    }

    /// <summary>The outcome recorded for <paramref name="key"/>, if the effect was performed before.</summary>
    public bool TryReplay(string? key, out Effect<T> effect)
    {
        if (key is not null && _recorded.TryGetValue(key, out var outcome))
        {
            effect = new Effect<T>(outcome, Replayed: true);
            return true;
        }

        effect = default;
        return false;
    }

    /// <summary>Records the first outcome of the effect under <paramref name="key"/>, to commit with it; no-op without a key.</summary>
    public Effect<T> Record(string? key, T outcome, long at)
    {
        if (key is not null)
        {
            _recorded[key] = outcome;
            _db.Set<EffectOutcomeRow>().Add(new EffectOutcomeRow { Key = key, Outcome = EffectOutcomes.Write(outcome), RecordedAt = at });
        }

        return new Effect<T>(outcome, Replayed: false);
    }
}
