using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scrm.Campaigns.Api;
using Scrm.Campaigns.Channels;
using Scrm.Campaigns.Sending;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Segments.Watch;
using Scrm.Campaigns.Workflow;
using Scrm.Campaigns.Storage;
using Scrm.Platform.Storage;
using Scrm.Workflows.Activities;

namespace Scrm.Campaigns;

public static class CampaignsModule
{
    /// <summary>Campaigns: segments over the customer facts (rule trees, saved segments), campaigns and their sends, SMS and e-mail senders.</summary>
    public static IServiceCollection AddScrmCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<CampaignsDbContext, SqliteCampaignsDbContext, PostgresCampaignsDbContext>(CampaignsDbContext.Store, ownStore: true);
        services.AddOptions<CampaignsOptions>()
            .Bind(configuration.GetSection(CampaignsOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.IndexPollInterval > TimeSpan.Zero && o.IndexSettleTime >= TimeSpan.Zero && o.IndexStartWait > TimeSpan.Zero,
                "Scrm:Campaigns needs a positive IndexPollInterval and IndexStartWait and a non-negative IndexSettleTime.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl) || o.PublicBase is not null,
                "Scrm:Campaigns:PublicBaseUrl must be an absolute http(s) address, e.g. https://crm.example.com/.")
            .Validate(o => o.AttributionWindow > TimeSpan.Zero && o.AttributionWindow <= TimeSpan.FromDays(90) && o.MessageCosts.Values.All(c => c >= 0),
                "Scrm:Campaigns:AttributionWindow is more than zero and at most 90 days, and MessageCosts are not negative.")
            .ValidateOnStart();
        services.AddScoped<SegmentStore>();
        services.AddSingleton<FactIndex>();
        services.AddSingleton<SegmentWatch>();
        services.AddSingleton<FactIndexFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<FactIndexFeed>());
        services.AddScoped<SegmentMembers>();

        services.AddSingleton<OutboundLedger<CampaignsDbContext>>();
        services.AddHttpClient(SmsSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<SmsSender>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<IOutboundChannel>(sp => sp.GetRequiredService<SmsSender>());
        services.AddSingleton<IOutboundChannel>(sp => sp.GetRequiredService<EmailSender>());
        services.AddSingleton<ContentRenderer>();
        services.AddSingleton<ChannelThrottle>();
        services.AddSingleton<UnsubscribeLinks>();
        services.AddSingleton<TrackedLinks>();
        services.AddSingleton<PublicLinks>();
        services.AddScoped<CampaignStore>();
        services.AddScoped<CampaignSender>();
        services.AddScoped<CampaignInsight>();
        services.AddSingleton<Attribution.LeadConversions>();
        services.AddScoped<WinnerPicker>();
        services.AddHostedService<CampaignRunner>();
        services.AddWorkflowActivity<SegmentTrigger>()
            .AddWorkflowActivity<EnrollInCampaigns>()
            .AddWorkflowActivity<SendCampaignMessage>()
            .AddWorkflowActivity<WaitForEngagement>();
        return services;
    }

    /// <summary><c>/api/v1/segments</c>, <c>/api/v1/festivals</c>, <c>/api/v1/campaigns</c> the unsubscribe links <c>/u/{token}</c> and tracked links <c>/l/{token}</c>.</summary>
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        SegmentsApi.Map(app);
        FestivalsApi.Map(app);
        CampaignsApi.Map(app);
        CostsApi.Map(app);
        UnsubscribeApi.Map(app);
        LinksApi.Map(app);
        return app;
    }
}
