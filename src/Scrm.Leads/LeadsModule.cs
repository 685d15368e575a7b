using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using Scrm.Leads.Api;
using Scrm.Leads.Attribution;
using Scrm.Leads.Consistency;
using Scrm.Leads.FollowUps;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Leads.Storage;
using Scrm.Leads.Workflow;
using Scrm.Ingestion;
using Scrm.Platform.Consistency;
using Scrm.Platform.Effects;
using Scrm.Platform.Audit;
using Scrm.Platform.Storage;
using Scrm.Workflows.Activities;

namespace Scrm.Leads;

public static class LeadsModule
{
    /// <summary>Leads: funnel, routing to one owner, follow-ups and reminders, the shared pool, channel ROI.</summary>
    public static IServiceCollection AddScrmLeads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LeadsOptions>()
            .Bind(configuration.GetSection(LeadsOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Rules.All(r => o.Teams.Any(t => t.Name == r.Team)), "Every Scrm:Leads:Rules:N:Team must name a configured team.")
            .Validate(o => o.DefaultTeam is null || o.Teams.Any(t => t.Name == o.DefaultTeam), "Scrm:Leads:DefaultTeam must name a configured team.")
            .Validate(o => Validator.TryValidateObject(o.NotificationHook, new ValidationContext(o.NotificationHook), null, validateAllProperties: true),
                "Scrm:Leads:NotificationHook needs an absolute http(s) Url, MaxAttempts 1-50 and RetryDelay, PollInterval and Timeout in range.")
            .PostConfigure(o =>
            {
                // Defaults apply only when nothing is configured: a bound list is never appended to.
                o.LossReasons = o.LossReasons.Count > 0 ? o.LossReasons : Terms.DefaultLossReasons();
                o.ContactKinds = o.ContactKinds.Count > 0 ? o.ContactKinds : Terms.DefaultContactKinds();
            })
            .Validate(o => o.LossReasons.Concat(o.ContactKinds).All(t => !string.IsNullOrWhiteSpace(t.Name)), "Every Scrm:Leads:LossReasons:N and ContactKinds:N needs a Name.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LeadsOptions>, NotificationTextsCheck>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmAudit(configuration);
        services.AddScrmDbContext<LeadsDbContext, SqliteLeadsDbContext, PostgresLeadsDbContext>(LeadsDbContext.Store, ownStore: true);
        services.AddScrmAuditOutbox<LeadsDbContext>();
        services.AddSingleton<RoutingTeams>();
        services.AddSingleton<LeadIntake>();
        services.AddSingleton<Scrm.Platform.Security.IOwnerHandover, LeadHandover>();
        services.AddSingleton<LeadRouting>();
        services.AddSingleton<LeadOwners>();
        services.AddSingleton<LeadWork>();
        services.AddSingleton<LeadSweep>();
        services.AddSingleton<LeadQueries>();
        services.AddSingleton<ChannelReports>();
        services.AddSingleton<WonLeads>();
        services.AddSingleton<LeadEvents>();
        services.AddEffectOutcomes<LeadsDbContext>();
        services.AddSingleton<IConsistencyCheck, UnroutedLeads>();
        services.AddSingleton<NotificationHook>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationHook>());
        services.AddHostedService<RoutingSetup.Notice>();
        services.AddHealthChecks().AddCheck<RoutingSetup.Check>("routing", tags: ["ready"]);
        services.AddHttpClient(NotificationHook.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<Scrm.Customers.Orders.IImportRows, Entry.LeadImportRows>();
        // lead.create reads the customer resolution put the item on: the workflows see an item only after resolution has committed it.
        services.AddJournalOrder(Scrm.Workflows.WorkflowsModule.JournalConsumer, after: Scrm.Customers.CustomersModule.ResolutionConsumer);
        services.AddWorkflowActivity<CreateLead>();
        services.AddWorkflowActivity<RouteLead>();
        services.AddWorkflowActivity<EscalateLead>();
        services.AddQuartz(q => q.ScheduleJob<LeadSweepJob>(
            trigger => trigger.WithIdentity("leads-sweep").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(30)).RepeatForever()),
            job => job.WithIdentity("leads-sweep")));
        return services;
    }
}
