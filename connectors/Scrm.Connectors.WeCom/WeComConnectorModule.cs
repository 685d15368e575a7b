using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Connectors.WeCom.Callbacks;
using Scrm.Connectors.WeCom.Outbound;
using Scrm.Connectors.WeCom.Storage;
using Scrm.Platform.Storage;

namespace Scrm.Connectors.WeCom;

/// <summary>WeCom external contacts: callbacks in, contacts' UnionIDs looked up, customer-service (kf) messages pulled on their callback and their customers' UnionIDs looked up, kf replies, welcome messages and mass sends out.</summary>
public static class WeComConnectorModule
{
    public static IServiceCollection AddScrmWeComConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WeComOptions>().Bind(configuration.GetSection(WeComOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeComOptions>, WeComOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WeComAccounts>();
        services.AddSingleton<WeComInbound>();
        services.AddSingleton<Kf.KfCustomerLookup>();
        services.AddHostedService(sp => sp.GetRequiredService<Kf.KfCustomerLookup>());
        services.AddSingleton<Kf.KfSync>();
        services.AddHostedService(sp => sp.GetRequiredService<Kf.KfSync>());
        services.AddSingleton<Contacts.UnionIdLookup>();
        services.AddHostedService(sp => sp.GetRequiredService<Contacts.UnionIdLookup>());

        services.AddScrmDbContext<WeComDbContext, SqliteWeComDbContext, PostgresWeComDbContext>("wecom");
        services.TryAddSingleton<AccessTokenCache>();
        services.AddSingleton<OutboundLedger<WeComDbContext>>();
        services.AddSingleton<MassSendQuota>();
        services.AddHttpClient(WeComApiClient.HttpClientName, (sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<WeComOptions>>().Value.ApiBaseUrl;
            http.Timeout = TimeSpan.FromSeconds(10);
        }).RemoveAllLoggers(); // Request URIs carry access tokens (and WeCom's secret): the client logs nothing.
        services.AddSingleton<WeComApiClient>();
        services.AddSingleton<WeComSender>();
        services.AddSingleton<IOutboundChannel>(sp => sp.GetRequiredService<WeComSender>());
        return services;
    }

    public static IEndpointRouteBuilder MapWeComConnector(this IEndpointRouteBuilder app)
    {
        app.MapWeComCallbacks();
        return app;
    }
}
