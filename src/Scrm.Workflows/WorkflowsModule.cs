using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;
using Scrm.Ingestion;
using Scrm.Platform.Consistency;
using Scrm.Platform.Storage;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Api;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Expressions;
using Scrm.Workflows.History;
using Scrm.Workflows.Runtime;
using Scrm.Workflows.Storage;
using Scrm.Workflows.Timers;
using Scrm.Workflows.Triggers;

namespace Scrm.Workflows;

public static class WorkflowsModule
{
    /// <summary>The name of the journal consumer that starts and resumes instances (its checkpoint's key).</summary>
    public const string JournalConsumer = "workflows";

    /// <summary>
    /// The workflow engine: definitions, the runtime with its group-commit writer, the built-in
    /// activities, Quartz timer jobs, and the journal consumer that starts and resumes instances.
    /// Needs storage, scheduling and ingestion registered.
    /// </summary>
    public static IServiceCollection AddScrmWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkflowsOptions>()
            .Bind(configuration.GetSection(WorkflowsOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Scripts.Timeout > TimeSpan.Zero && o.Scripts.MaxStatements > 0 && o.Scripts.MaxMemoryBytes > 0, "Script limits must be positive.")
            .Validate(o => o.History.Finished > TimeSpan.Zero && o.History.Cancelled > TimeSpan.Zero && o.History.Faulted > TimeSpan.Zero
                && o.History.NoOpRunKeys > TimeSpan.Zero && o.History.SweepInterval > TimeSpan.Zero && o.History.BatchPause >= TimeSpan.Zero
                && o.History.BatchSize is > 0 and <= 10_000,
                "Scrm:Workflows:History periods and the sweep interval must be positive, the batch size 1-10000.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<WorkflowsDbContext, SqliteWorkflowsDbContext, PostgresWorkflowsDbContext>(WorkflowsDbContext.Store, ownStore: true);
        services.AddHttpClient("workflows", c => c.Timeout = TimeSpan.FromSeconds(30));

        services.AddWorkflowActivity<StartTrigger>()
            .AddWorkflowActivity<JournalTrigger>()
            .AddWorkflowActivity<HttpTrigger>()
            .AddWorkflowActivity<EventTrigger>()
            .AddWorkflowActivity<CronTrigger>()
            .AddWorkflowActivity<IfActivity>()
            .AddWorkflowActivity<Switch>()
            .AddWorkflowActivity<Fork>()
            .AddWorkflowActivity<Join>()
            .AddWorkflowActivity<ForEach>()
            .AddWorkflowActivity<SetVariable>()
            .AddWorkflowActivity<Script>()
            .AddWorkflowActivity<EndActivity>()
            .AddWorkflowActivity<Delay>()
            .AddWorkflowActivity<WaitUntil>()
            .AddWorkflowActivity<WaitForEvent>()
            .AddWorkflowActivity<RunWorkflow>()
            .AddWorkflowActivity<HttpRequest>()
            .AddWorkflowActivity<WriteLog>();

        services.AddSingleton(sp => new ActivityRegistry(sp.GetServices<ActivityRegistration>(), sp));
        services.AddSingleton<ScriptEngine>();
        services.AddSingleton<DefinitionValidator>();
        services.AddSingleton<WorkflowCompiler>();
        services.AddSingleton<InstanceStore>();
        services.AddSingleton<InstanceLocks>();
        services.AddSingleton<CommitWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CommitWriter>());
        services.AddSingleton<IWorkflowTimers, QuartzTimers>();
        services.AddSingleton(sp => new DefinitionStore(
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<WorkflowsDbContext>>(), sp.GetRequiredService<DefinitionValidator>(),
            sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkflowsOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IWorkflowTimers>()));
        services.AddSingleton(sp => new WorkflowRuntime(
            sp.GetRequiredService<DefinitionStore>(), sp.GetRequiredService<WorkflowCompiler>(), sp.GetRequiredService<InstanceStore>(),
            sp.GetRequiredService<CommitWriter>(), sp.GetRequiredService<InstanceLocks>(), sp.GetRequiredService<IWorkflowTimers>(), sp,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ScriptEngine>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkflowsOptions>>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<WorkflowRuntime>>()));
        services.AddSingleton<InstanceQueries>();
        services.AddHostedService<WorkflowSweeper>();
        services.AddSingleton<IConsistencyCheck, StalledInstances>();
        services.AddSingleton<HistoryStore>();
        services.AddSingleton<HistoryRetention>();
        services.AddSingleton<Scrm.Platform.Storage.IRetentionReport>(sp => sp.GetRequiredService<HistoryRetention>());
        services.AddHostedService<HistorySweeper>();
        services.AddJournalConsumer<WorkflowJournalHandler>();
        services.AddQuartz(q =>
        {
            q.AddJob<WorkflowTimerJob>(j => j.WithIdentity(QuartzTimers.TimerJob).StoreDurably().RequestRecovery());
            q.AddJob<WorkflowCronJob>(j => j.WithIdentity(QuartzTimers.CronJob).StoreDurably().RequestRecovery());
        });
        return services;
    }

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        WorkflowsApi.Map(app);
        return app;
    }
}
