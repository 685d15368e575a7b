using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Scrm.Search.Elasticsearch;

internal static class ElasticsearchRegistration
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ElasticsearchOptions>()
            .Bind(configuration.GetSection(ElasticsearchOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => ClientSettings.Create(sp.GetRequiredService<IOptions<ElasticsearchOptions>>().Value));
        services.AddSingleton<ElasticsearchClientIndex>();
        services.AddSingleton<IIndexBackend>(sp => sp.GetRequiredService<ElasticsearchClientIndex>());
    }
}
