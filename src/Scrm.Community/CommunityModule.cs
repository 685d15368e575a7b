using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Scrm.Community.Assignment;
using Scrm.Community.Calendar;
using Scrm.Community.Classification;
using Scrm.Community.Conversations;
using Scrm.Community.Replies;
using Scrm.Community.Satisfaction;
using Scrm.Community.Storage;
using Scrm.Community.Workflow;
using Scrm.Workflows.Activities;
using Scrm.Ingestion;
using Scrm.Platform.Audit;
using Scrm.Platform.Calendar;
using Scrm.Platform.Effects;
using Scrm.Platform.Storage;

namespace Scrm.Community;

public static class CommunityModule
{
    /// <summary>Community: the inbox (conversations from the journal), classification (rules and trained model versions), the working calendar.</summary>
    public static IServiceCollection AddScrmCommunity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommunityOptions>()
            .Bind(configuration.GetSection(CommunityOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Classifier is { RetrainAfterCorrections: >= 1, CorrectionWeight: > 0 } && o.Classifier.CheckInterval > TimeSpan.Zero,
                "Scrm:Community:Classifier needs RetrainAfterCorrections ≥ 1, CorrectionWeight > 0 and a positive CheckInterval.")
            .Validate(o => o.Classifier.TrainingData.All(File.Exists), "Every Scrm:Community:Classifier:TrainingData file must exist.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<CommunityDbContext, SqliteCommunityDbContext, PostgresCommunityDbContext>(CommunityDbContext.Store, ownStore: true);
        services.AddSingleton(_ => new TextClassifier(new LexiconMatcher(Lexicon.Default), model: null));
        services.AddSingleton<ClassifierModels>();
        services.AddSingleton<ClassifierLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<ClassifierLoader>());
        services.TryAddSingleton<WorkingCalendarProvider>();
        services.AddSingleton<WorkingCalendars>();
        services.AddSingleton<ServiceTargets>();
        services.AddHostedService<CalendarLoader>();
        services.AddSingleton<ConversationQueries>();
        services.AddSingleton<AgentTeams>();
        services.AddSingleton<ConversationWork>();
        services.AddSingleton<Scrm.Platform.Security.IOwnerHandover, ConversationHandover>();
        services.AddSingleton<ReplyService>();
        services.AddSingleton<ConversationClassification>();
        services.AddSingleton<CommunityEvents>();
        services.AddSingleton<ServiceLevelAlerts>();
        services.AddSingleton<SurveyService>();
        services.AddSingleton<CsatReport>();
        services.AddSingleton<Conversations.SlaReport>();
        services.AddSingleton<Knowledge.KnowledgeBase>();
        services.AddSingleton<Templates.ReplyTemplates>();
        services.AddWorkflowActivity<ClassifyText>()
            .AddWorkflowActivity<HandToLeads>()
            .AddWorkflowActivity<AssignConversation>()
            .AddWorkflowActivity<WaitForReply>()
            .AddWorkflowActivity<EscalateConversation>()
            .AddWorkflowActivity<ReplyToCustomer>()
            .AddWorkflowActivity<SendSurvey>();
        services.AddScrmAudit(configuration);
        services.AddScrmAuditOutbox<CommunityDbContext>();
        services.AddJournalConsumer<ConversationHandler>();
        services.AddEffectOutcomes<CommunityDbContext>();
        return services;
    }

    /// <summary>Puts the stored calendar edits and service-level table in place before the host serves.</summary>
    private sealed class CalendarLoader(WorkingCalendars calendars, ServiceTargets targets) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await calendars.LoadAsync(cancellationToken);
            await targets.LoadAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
