using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Scrm.Search.Elasticsearch;

internal static class ElasticsearchRegistration
{
    public static void Add(IServiceCollection services, IConfiguration configuration) =>
        throw new NotSupportedException("Elasticsearch is not wired yet.");
}
