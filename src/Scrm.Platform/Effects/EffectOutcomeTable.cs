using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Scrm.Platform.Effects;

/// <summary>A module's effect outcomes, as the safety net prunes them.</summary>
internal interface IEffectOutcomeTable
{
    /// <summary>Deletes outcomes recorded before <paramref name="before"/> (Unix ms), a slice at a time; returns how many.</summary>
    Task<int> PurgeAsync(long before, CancellationToken cancellationToken);
}

public static class EffectOutcomeTables
{
    /// <summary>Registers the module context's effect outcomes (mapped with <see cref="EffectOutcomes.MapEffectOutcomes"/>) for pruning.</summary>
    public static IServiceCollection AddEffectOutcomes<TContext>(this IServiceCollection services)
        where TContext : DbContext =>
        services.AddSingleton<IEffectOutcomeTable, EffectOutcomeTable<TContext>>();

    private sealed class EffectOutcomeTable<TContext>(IDbContextFactory<TContext> contexts) : IEffectOutcomeTable
        where TContext : DbContext
    {
        private const int Slice = 5_000;

        public async Task<int> PurgeAsync(long before, CancellationToken cancellationToken)
        {
            var total = 0;
            while (true)
            {
                // A slice per transaction: the module's writers never wait long behind the purge.
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var rows = db.Set<EffectOutcomeRow>();
                var slice = rows.Where(r => r.RecordedAt < before).OrderBy(r => r.RecordedAt).Take(Slice).Select(r => r.Key);
                var deleted = await rows.Where(r => slice.Contains(r.Key)).ExecuteDeleteAsync(cancellationToken);
                total += deleted;
                if (deleted < Slice)
                {
                    return total;
                }
            }
        }
    }
}
