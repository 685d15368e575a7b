using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scrm.Connectors.WeChat.Accounts;
using Scrm.Connectors.WeChat.Callbacks;

namespace Scrm.Connectors.WeChat;

/// <summary>WeChat Official Accounts: callbacks in, customer-service and template messages out.</summary>
public static class WeChatConnectorModule
{
    public static IServiceCollection AddScrmWeChatConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WeChatOptions>().Bind(configuration.GetSection(WeChatOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeChatOptions>, WeChatOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WeChatAccounts>();
        return services;
    }

    public static IEndpointRouteBuilder MapWeChatConnector(this IEndpointRouteBuilder app)
    {
        app.MapWeChatCallbacks();
        return app;
    }
}
