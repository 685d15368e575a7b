using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.WeChat.Accounts;
using Scrm.Connectors.WeChat.Callbacks;
using Scrm.Connectors.WeChat.Outbound;
using Scrm.Connectors.WeChat.Storage;
using Scrm.Platform.Storage;

namespace Scrm.Connectors.WeChat;

/// <summary>WeChat Official Accounts: callbacks in, followers' UnionIDs looked up, customer-service and template messages out.</summary>
public static class WeChatConnectorModule
{
    public static IServiceCollection AddScrmWeChatConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WeChatOptions>().Bind(configuration.GetSection(WeChatOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeChatOptions>, WeChatOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WeChatAccounts>();
        services.AddSingleton<WeChatInbound>();
        services.AddSingleton<Followers.UnionIdLookup>();
        services.AddHostedService(sp => sp.GetRequiredService<Followers.UnionIdLookup>());

        services.AddScrmDbContext<WeChatDbContext, SqliteWeChatDbContext, PostgresWeChatDbContext>("wechat");
        services.TryAddSingleton<AccessTokenCache>();
        services.AddSingleton<OutboundLedger<WeChatDbContext>>();
        services.AddHttpClient(WeChatApiClient.HttpClientName, (sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<WeChatOptions>>().Value.ApiBaseUrl;
            http.Timeout = TimeSpan.FromSeconds(10);
        }).RemoveAllLoggers(); // Request URIs carry access tokens (and WeCom's secret): the client logs nothing.
        services.AddSingleton<WeChatApiClient>();
        services.AddSingleton<WeChatSender>();
        services.AddSingleton<IOutboundChannel>(sp => sp.GetRequiredService<WeChatSender>());
        return services;
    }

    public static IEndpointRouteBuilder MapWeChatConnector(this IEndpointRouteBuilder app)
    {
        app.MapWeChatCallbacks();
        return app;
    }
}
