using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Scrm.Platform.Storage;

namespace Scrm.Platform.Scheduling;

/// <summary>
/// The one Quartz.NET scheduler of the process, on Quartz's persistent ADO.NET job store in the
/// system of record: SQLite by default, PostgreSQL (clustered across replicas) when storage is
/// PostgreSQL. Jobs and triggers survive restarts. Quartz's tables are created at start from the
/// embedded scripts. Modules add their jobs and triggers with <c>services.AddQuartz(q =&gt; ...)</c>.
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

                if (clustered)
                {
                    store.UseClustering();
                }
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        if (scheduling.Store == SchedulerStore.Persistent)
        {
            services.AddSingleton(new ModuleMigration(typeof(SchedulingModule), CreateTablesAsync));
        }

        return services;
    }

    /// <summary>The same file the rest of the system of record uses (see <see cref="ScrmDatabase"/>).</summary>
    private static string SqliteConnectionString(StorageOptions storage)
    {
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return storage.ConnectionString;
        }

        var directory = Path.GetFullPath(storage.DataDirectory);
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "scrm.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    private static async Task CreateTablesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<ScrmDatabase>();
        var resource = database.IsPostgres ? "quartz_postgres.sql" : "quartz_sqlite.sql";
        await using var stream = typeof(SchedulingModule).Assembly.GetManifestResourceStream($"Scrm.Platform.Scheduling.{resource}")
            ?? throw new InvalidOperationException($"The Quartz schema script {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        var script = await reader.ReadToEndAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.IsPostgres)
        {
            // Replicas starting together must not race to create the same tables.
            await using var lockCommand = connection.CreateCommand();
            lockCommand.Transaction = transaction;
            lockCommand.CommandText = "SELECT pg_advisory_xact_lock(23571113)";
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = script;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>Where Quartz keeps jobs and triggers (<c>Scrm:Scheduling</c>).</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scrm:Scheduling";

    /// <summary>Persistent (default): jobs survive restarts. Memory: for tools and tests that need no durability.</summary>
    public SchedulerStore Store { get; set; } = SchedulerStore.Persistent;

    /// <summary>Whether replicas share the schedule; defaults to true on PostgreSQL, false on SQLite.</summary>
    public bool? Clustered { get; set; }

    public int MaxConcurrency { get; set; } = 8;
}

public enum SchedulerStore
{
    Persistent,
    Memory,
}
