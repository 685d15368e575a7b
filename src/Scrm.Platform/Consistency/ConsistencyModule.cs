using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;
using Scrm.Platform.Security;

namespace Scrm.Platform.Consistency;

/// <summary><c>Scrm:Consistency</c>: how often the safety net runs and what it takes for still in flight.</summary>
internal sealed class ConsistencyOptions
{
    public const string Section = "Scrm:Consistency";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Work younger than this is in flight (a workflow about to route its lead, a restart catching up) and not looked at.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a side effect's recorded outcome is kept for a replay (ADR 0006); a replay comes within minutes.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan EffectOutcomeRetention { get; set; } = TimeSpan.FromDays(7);
}

public static class ConsistencyModule
{
    /// <summary>
    /// The safety net: runs the modules' <see cref="IConsistencyCheck"/>s every <c>Interval</c>
    /// (a Quartz job), reports what is left in readiness (degraded, not unhealthy) and as metrics.
    /// </summary>
    public static IServiceCollection AddScrmConsistency(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsistencyOptions>().Bind(configuration.GetSection(ConsistencyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<SafetyNet>();
        services.AddHealthChecks().AddCheck<SafetyNetHealthCheck>("consistency", tags: ["ready"]);
        var interval = configuration.GetSection(ConsistencyOptions.Section).Get<ConsistencyOptions>()?.Interval ?? new ConsistencyOptions().Interval;
        // The first run after one interval: at start a restarted process is still catching up.
        services.AddQuartz(q => q.ScheduleJob<SafetyNetJob>(
            trigger => trigger.WithIdentity("consistency").StartAt(TimeProvider.System.GetUtcNow().Add(interval))
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()),
            job => job.WithIdentity("consistency")));
        return services;
    }

    /// <summary><c>GET /api/v1/admin/consistency</c>: the last report; <c>POST …/run</c>: run now (<c>?repair=false</c> only looks).</summary>
    public static IEndpointRouteBuilder MapConsistencyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/consistency").WithTags("Admin").RequireAuthorization(ScrmPolicies.Admin);
        group.MapGet("", LastReport).WithSummary("The safety net's last report: work fallen through between stores, repaired or left.");
        group.MapPost("/run", RunAsync).WithSummary("Runs the safety net now; with repair=false it only reports.");
        return app;
    }

    private static Results<Ok<ConsistencyReport>, NoContent> LastReport(SafetyNet net) =>
        net.Last is { } report ? TypedResults.Ok(report) : TypedResults.NoContent();

    private static async Task<Ok<ConsistencyReport>> RunAsync(SafetyNet net, bool? repair, CancellationToken ct) =>
        TypedResults.Ok(await net.RunAsync(repair ?? true, ct));

    /// <summary>Thin: the safety net does the work.</summary>
    [DisallowConcurrentExecution]
    private sealed class SafetyNetJob(SafetyNet net) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
            await net.RunAsync(repair: true, cancellationToken);
    }

    /// <summary>Degraded while the last run left something it could not repair; it names the checks and their first lines.</summary>
    private sealed class SafetyNetHealthCheck(SafetyNet net) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (net.Last is not { } report)
            {
                return Task.FromResult(HealthCheckResult.Healthy("The safety net has not run yet."));
            }

            var left = report.Findings.Where(f => f.Left.Count > 0).ToList();
            return Task.FromResult(left.Count == 0
                ? HealthCheckResult.Healthy($"The safety net found nothing left at {report.At:O}.")
                : HealthCheckResult.Degraded($"The safety net left {report.Left} at {report.At:O}: " +
                    string.Join("; ", left.Select(f => $"{f.Check}: {string.Join(", ", f.Left.Take(3))}{(f.Left.Count > 3 ? ", …" : "")}"))));
        }
    }
}
