using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Scrm.Platform.Storage;

namespace Scrm.Platform.Scheduling;

/// <summary>
/// The one Quartz.NET scheduler of the process, on Quartz's persistent ADO.NET job store in the
/// system of record: SQLite by default, PostgreSQL (clustered across replicas) when storage is
/// PostgreSQL. Jobs and triggers survive restarts. Quartz creates its tables at start when they
/// are missing. Modules add their jobs and triggers with <c>services.AddQuartz(q =&gt; ...)</c>.
/// </summary>
public static class SchedulingModule
{
    public static IServiceCollection AddScrmScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var scheduling = configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        services.AddQuartz(q =>
        {
            q.UseDefaultThreadPool(pool => pool.MaxConcurrency = scheduling.MaxConcurrency);
            if (scheduling.Store == SchedulerStore.Memory)
            {
                q.UseInMemoryStore();
                return;
            }

            // UseClustering also gives each replica a generated scheduler instance id.
            var clustered = scheduling.Clustered ?? storage.Provider == StorageProvider.Postgres;
            q.UsePersistentStore(store =>
            {
                if (storage.Provider == StorageProvider.Postgres)
                {
                    store.UsePostgres(storage.ConnectionString!);
                }
                else
                {
                    store.UseSqlite(SqliteConnectionString(storage));
                }

                // Quartz creates its own tables from the DDL of the exact version in use (4.x adds
                // columns and tables release by release), then validates the schema before starting.
                store.ProvisionSchema();
                if (clustered)
                {
                    store.UseClustering();
                }
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        return services;
    }

    /// <summary>A SQLite file of its own (<c>scheduler.db</c>), so Quartz's locking never holds up the journal or the modules.</summary>
    private static string SqliteConnectionString(StorageOptions storage) =>
        new ScrmDatabase(storage).Store("scheduler").ConnectionString;
}

/// <summary>Where Quartz keeps jobs and triggers (<c>Scrm:Scheduling</c>).</summary>
internal sealed class SchedulingOptions
{
    public const string Section = "Scrm:Scheduling";

    /// <summary>Persistent (default): jobs survive restarts. Memory: for tools and tests that need no durability.</summary>
    public SchedulerStore Store { get; set; } = SchedulerStore.Persistent;

    /// <summary>Whether replicas share the schedule; defaults to true on PostgreSQL, false on SQLite.</summary>
    public bool? Clustered { get; set; }

    public int MaxConcurrency { get; set; } = 8;
}

internal enum SchedulerStore
{
    Persistent,
    Memory,
}
