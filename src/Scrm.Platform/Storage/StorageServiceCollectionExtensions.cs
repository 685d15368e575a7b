using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Scrm.Platform.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Binds <see cref="StorageOptions"/> and registers the <see cref="ScrmDatabase"/>.</summary>
    public static IServiceCollection AddScrmStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != StorageProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Scrm:Storage:ConnectionString is required when Scrm:Storage:Provider is Postgres.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ScrmDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        services.AddSingleton<StorageReporter>();
        return services;
    }

    /// <summary>
    /// Registers a module's context. Each provider has its own derived context type so that its
    /// migrations (generated per provider) live apart; callers only ever see <typeparamref name="TContext"/>.
    /// </summary>
    /// <param name="module">Names the migration history table (<c>__{module}_migrations</c>).</param>
    /// <param name="ownStore">On SQLite, the module's tables live in a file of its own, <c>{module}.db</c> (see <see cref="ScrmDatabase.Store"/>); otherwise in the main one.</param>
    public static IServiceCollection AddScrmDbContext<TContext, TSqlite, TPostgres>(this IServiceCollection services, string module, bool ownStore = false)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        var historyTable = ScrmDatabase.HistoryTable(module);
        var store = ownStore ? module : null;
        static ScrmDatabase Database(IServiceProvider sp, string? store) =>
            store is null ? sp.GetRequiredService<ScrmDatabase>() : sp.GetRequiredService<ScrmDatabase>().Store(store);

        services.AddDbContextFactory<TSqlite>((sp, o) => Database(sp, store).Configure(o, historyTable));
        services.AddDbContextFactory<TPostgres>((sp, o) => Database(sp, store).Configure(o, historyTable));
        services.AddSingleton<IDbContextFactory<TContext>>(sp => sp.GetRequiredService<ScrmDatabase>().IsPostgres
            ? new DerivedFactory<TContext, TPostgres>(sp.GetRequiredService<IDbContextFactory<TPostgres>>())
            : new DerivedFactory<TContext, TSqlite>(sp.GetRequiredService<IDbContextFactory<TSqlite>>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
        services.AddSingleton(new ModuleMigration(typeof(TContext), async (sp, ct) =>
        {
            await Database(sp, store).UseWriteAheadLogAsync(ct);
            await using var db = await sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContextAsync(ct);
            await SquashedMigrations.MigrateAsync(db, ct);
        }));
        return services;
    }

    /// <summary>Creates or upgrades every module's schema. Runs before the host starts serving.</summary>
    public static async Task MigrateScrmStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await services.GetRequiredService<ScrmDatabase>().UseWriteAheadLogAsync(cancellationToken);
        foreach (var migration in services.GetServices<ModuleMigration>())
        {
            await migration.Apply(services, cancellationToken);
        }
    }

    private sealed class DerivedFactory<TContext, TDerived>(IDbContextFactory<TDerived> inner) : IDbContextFactory<TContext>
        where TContext : DbContext
        where TDerived : TContext
    {
        public TContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>One module's schema upgrade, run in registration order at start.</summary>
public sealed record ModuleMigration(Type Context, Func<IServiceProvider, CancellationToken, Task> Apply);
