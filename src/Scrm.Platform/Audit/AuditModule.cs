using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Storage;

namespace Scrm.Platform.Audit;

/// <summary><c>Scrm:Audit</c>: how long entries are kept.</summary>
internal sealed class AuditOptions
{
    public const string Section = "Scrm:Audit";

    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(365);

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(6);
}

public static class AuditModule
{
    /// <summary>The audit log: its table, the group-committed writer, the query and the retention sweep. Safe to call from several modules.</summary>
    public static IServiceCollection AddScrmAudit(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AuditQuery)))
        {
            return services;
        }

        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<AuditDbContext, SqliteAuditDbContext, PostgresAuditDbContext>(AuditDbContext.Store, ownStore: true);
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditTrail>());
        services.AddSingleton(sp => new AuditOutbox(sp, sp.GetRequiredService<IDbContextFactory<AuditDbContext>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditOutbox>>()));
        services.AddSingleton<AuditQuery>();
        services.AddHostedService<AuditRetention>();
        services.AddHostedService<AuditOutboxRelay>();
        return services;
    }

    /// <summary>
    /// Gives the module's store an audit outbox (<see cref="AuditOutbox"/>), so the module writes
    /// audit entries in its changes' own transactions. Call after the module's context is registered.
    /// </summary>
    public static IServiceCollection AddScrmAuditOutbox<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddSingleton(new AuditOutboxSource(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext()));
        services.AddSingleton(new ModuleMigration(typeof(AuditOutbox), async (sp, ct) =>
        {
            await using var db = await sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContextAsync(ct);
            await db.Database.ExecuteSqlRawAsync(AuditOutbox.CreateTable(!db.Database.IsSqlite()), ct);
        }));
        return services;
    }
}

/// <summary>Deletes entries older than the retention, a few thousand at a time.</summary>
internal sealed partial class AuditRetention(IDbContextFactory<AuditDbContext> contexts, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetention> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var deleted = await SweepAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogSwept(log, deleted);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(log, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Entries.Where(e => e.At < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention removed {Count} entries")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit retention sweep failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
