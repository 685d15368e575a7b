using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Scrm.Platform.Scheduling;

/// <summary>
/// The one Quartz.NET scheduler of the process. Modules add their jobs and triggers with
/// <c>services.AddQuartz(q =&gt; ...)</c>; this registers the scheduler itself and runs it as a
/// hosted service that waits for running jobs on shutdown.
/// </summary>
public static class SchedulingModule
{
    public static IServiceCollection AddScrmScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddQuartz(q => q.UseDefaultThreadPool(pool => pool.MaxConcurrency = 8));
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
