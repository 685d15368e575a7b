using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scrm.Search.Elasticsearch;

internal static class ElasticsearchRegistration
{
    public const string HttpClientName = "Scrm.Search.Elasticsearch";

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ElasticsearchOptions>()
            .Bind(configuration.GetSection(ElasticsearchOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(HttpClientName);
        services.AddSingleton(sp => new EsTransport(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<ElasticsearchOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EsTransport>>()));
        services.AddSingleton<ElasticsearchSearchIndex>();
        services.AddSingleton<IIndexBackend>(sp => sp.GetRequiredService<ElasticsearchSearchIndex>());
    }
}
