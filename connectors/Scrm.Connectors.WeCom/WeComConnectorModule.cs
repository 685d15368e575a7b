using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Connectors.WeCom.Callbacks;

namespace Scrm.Connectors.WeCom;

/// <summary>WeCom external contacts: callbacks in, welcome messages and mass sends out.</summary>
public static class WeComConnectorModule
{
    public static IServiceCollection AddScrmWeComConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WeComOptions>().Bind(configuration.GetSection(WeComOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeComOptions>, WeComOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WeComAccounts>();
        return services;
    }

    public static IEndpointRouteBuilder MapWeComConnector(this IEndpointRouteBuilder app)
    {
        app.MapWeComCallbacks();
        return app;
    }
}
