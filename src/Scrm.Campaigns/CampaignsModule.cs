using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scrm.Campaigns.Api;
using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Storage;
using Scrm.Platform.Storage;

namespace Scrm.Campaigns;

public static class CampaignsModule
{
    /// <summary>Campaigns: segments over the customer facts (rule trees, saved segments).</summary>
    public static IServiceCollection AddScrmCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<CampaignsDbContext, SqliteCampaignsDbContext, PostgresCampaignsDbContext>(CampaignsDbContext.Store, ownStore: true);
        services.AddOptions<CampaignsOptions>()
            .Bind(configuration.GetSection(CampaignsOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.IndexPollInterval > TimeSpan.Zero && o.IndexSettleTime >= TimeSpan.Zero && o.IndexStartWait > TimeSpan.Zero,
                "Scrm:Campaigns needs a positive IndexPollInterval and IndexStartWait and a non-negative IndexSettleTime.")
            .ValidateOnStart();
        services.AddScoped<SegmentStore>();
        services.AddSingleton<FactIndex>();
        services.AddSingleton<FactIndexFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<FactIndexFeed>());
        services.AddScoped<SegmentMembers>();
        return services;
    }

    /// <summary><c>/api/v1/segments</c>, <c>/api/v1/festivals</c>.</summary>
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        SegmentsApi.Map(app);
        FestivalsApi.Map(app);
        return app;
    }
}
