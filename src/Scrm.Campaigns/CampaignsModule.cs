using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scrm.Campaigns.Api;
using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Storage;
using Scrm.Platform.Storage;

namespace Scrm.Campaigns;

public static class CampaignsModule
{
    /// <summary>Campaigns: segments over the customer facts (rule trees, saved segments).</summary>
    public static IServiceCollection AddScrmCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<CampaignsDbContext, SqliteCampaignsDbContext, PostgresCampaignsDbContext>(CampaignsDbContext.Store, ownStore: true);
        services.AddScoped<SegmentStore>();
        return services;
    }

    /// <summary><c>/api/v1/segments</c>.</summary>
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        SegmentsApi.Map(app);
        return app;
    }
}
