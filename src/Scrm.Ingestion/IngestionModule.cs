using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scrm.Ingestion.Consumers;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Security;
using Scrm.Platform.Storage;

namespace Scrm.Ingestion;

public static class IngestionModule
{
    /// <summary>The journal: its tables, the group-commit writer and the reader.</summary>
    public static IServiceCollection AddScrmIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JournalOptions>()
            .Bind(configuration.GetSection(JournalOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => JournalRetentionOptions.IsValid(o.Retention),
                "Scrm:Journal:Retention: PayloadsFor at least 1 day, KeysFor at least 7 days and not shorter than PayloadsFor, a positive interval, a batch of 1-100000.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<JournalDbContext, SqliteJournalDbContext, PostgresJournalDbContext>(JournalStore.Name, ownStore: true);
        services.AddSingleton<JournalSignal>();
        services.AddSingleton<JournalProgress>();
        services.AddSingleton<LeaseTakeovers>();
        services.AddSingleton<JournalReader>();
        services.AddSingleton<JournalWriter>();
        services.AddSingleton<IJournal>(sp => sp.GetRequiredService<JournalWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<JournalWriter>());
        services.AddSingleton<JournalRetention>();
        services.AddSingleton<IRetentionReport>(sp => sp.GetRequiredService<JournalRetention>());
        services.AddHostedService<JournalRetentionSweeper>();
        services.AddHealthChecks().AddCheck<JournalHealthCheck>("journal", tags: ["ready"]);
        services.AddExceptionHandler<JournalUnavailableHandler>();
        return services;
    }

    /// <summary>Runs <typeparamref name="THandler"/> over the journal in the background, from its own checkpoint.</summary>
    public static IServiceCollection AddJournalConsumer<THandler>(this IServiceCollection services)
        where THandler : class, IJournalHandler
    {
        services.TryAddScoped<THandler>();
        services.AddSingleton(new JournalConsumerType(typeof(THandler)));
        services.AddHostedService<JournalConsumer<THandler>>();
        return services;
    }

    /// <summary>
    /// The consumer named <paramref name="consumer"/> sees an item only after the one named
    /// <paramref name="after"/> has committed it (when both run in this host).
    /// </summary>
    public static IServiceCollection AddJournalOrder(this IServiceCollection services, string consumer, string after)
    {
        services.AddSingleton(new JournalOrder(consumer, after));
        return services;
    }

    public static IEndpointRouteBuilder MapJournalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/journal").WithTags("Journal").RequireAuthorization(ScrmPolicies.Staff);
        group.MapGet("/stats", async (JournalReader reader, CancellationToken ct) => TypedResults.Ok(await reader.StatsAsync(ct)))
            .WithSummary("Appended and duplicate counts, the last position, and each consumer's position and lag.");
        return app;
    }

    private sealed class JournalHealthCheck(JournalWriter writer, JournalReader reader) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!writer.IsRunning)
            {
                return HealthCheckResult.Unhealthy("The journal writer is not running.");
            }

            var last = await reader.LastPositionAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Journal at position {last}.");
        }
    }
}
