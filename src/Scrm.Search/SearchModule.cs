using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Customers.Directory;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;
using Scrm.Leads.Routing;
using Scrm.Platform.Storage;
using Scrm.Search.Api;
using Scrm.Search.Feeds;
using Scrm.Search.Indexing;
using Scrm.Search.Lucene;

namespace Scrm.Search;

/// <summary>Full-text search: the index port, the engine chosen by <c>Scrm:Search:Provider</c>, the journal indexer and the API.</summary>
public static class SearchModule
{
    public static IServiceCollection AddScrmSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SearchOptions>()
            .Bind(configuration.GetSection(SearchOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var provider = configuration.GetSection(SearchOptions.Section).GetValue(nameof(SearchOptions.Provider), SearchProvider.Lucene);
        if (provider == SearchProvider.Elasticsearch)
        {
            Elasticsearch.ElasticsearchRegistration.Add(services, configuration);
        }
        else
        {
            services.AddOptions<LuceneOptions>()
                .Bind(configuration.GetSection(LuceneOptions.Section))
                .ValidateDataAnnotations()
                .ValidateOnStart();
            services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<LuceneOptions>>().Value;
                var path = options.Path ?? Path.Combine(sp.GetRequiredService<ScrmDatabase>().DataDirectory, "index");
                return new LuceneSearchIndex(
                    Path.GetFullPath(path),
                    options,
                    sp.GetRequiredService<IOptions<SearchOptions>>().Value.FacetOffset,
                    sp.GetRequiredService<ILogger<LuceneSearchIndex>>(),
                    // Mention texts are read back from the journal, unless its retention clears them.
                    sp.GetRequiredService<IOptions<JournalOptions>>().Value.Retention.PayloadsFor is null
                        ? new JournalTexts(sp.GetRequiredService<JournalReader>())
                        : null);
            });
            services.AddSingleton<IIndexBackend>(sp => sp.GetRequiredService<LuceneSearchIndex>());
            services.AddHostedService<LuceneMaintenance>();
            services.AddSingleton<IStorageFootprint, LuceneFootprint>();
            if (configuration.GetSection(StorageOptions.Section).GetValue(nameof(StorageOptions.Provider), StorageProvider.Sqlite) == StorageProvider.Postgres)
            {
                services.AddHealthChecks().AddCheck<EmbeddedIndexReplicaCheck>("search-replicas", tags: ["ready"]);
            }
        }

        services.AddSingleton<ISearchIndex>(sp => sp.GetRequiredService<IIndexBackend>());
        AddFeeds(services);
        services.AddSingleton<SearchIndexer>();
        services.AddSingleton<SearchRebuild>();
        services.AddSingleton<SearchCursors>();
        services.AddHostedService<SearchCatchUp>();
        services.AddJournalConsumer<SearchJournalHandler>();
        services.AddHealthChecks().AddCheck<SearchHealthCheck>("search", tags: ["ready"]);
        services.AddAuthorizationBuilder()
            .AddPolicy(SearchApi.ReadPolicy, p => p.RequireAuthenticatedUser().RequireRole(SearchApi.ReadRoles));
        return services;
    }

    /// <summary>
    /// What the index holds besides journal items comes from the modules the host has: customers with
    /// the customer module, lead owners with the leads module (registered before this one).
    /// </summary>
    private static void AddFeeds(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CustomerChanges)))
        {
            services.AddSingleton<ISearchFeed, CustomerFeed>();
        }

        if (services.Any(d => d.ServiceType == typeof(LeadOwners)))
        {
            services.AddSingleton<IDocumentOwners, LeadDocumentOwners>();
            services.AddSingleton<ISearchFeed, LeadAssignmentFeed>();
            services.AddSingleton<ISearchFeed, LeadTouchFeed>();
        }
        else
        {
            services.AddSingleton<IDocumentOwners, NoOwners>();
        }

        services.AddHostedService<FeedIndexer>();
    }

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        SearchApi.Map(app);
        return app;
    }

    private sealed class SearchHealthCheck(IIndexBackend index) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var count = await index.CountAsync(null, SearchFilter.None, cancellationToken);
                return HealthCheckResult.Healthy($"{count} document(s) searchable.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Ingest goes on without search; searches answer 503 until the engine is back.
                return HealthCheckResult.Degraded("The search engine does not answer.", ex);
            }
        }
    }
}
