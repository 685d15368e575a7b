using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using Scrm.Connectors.Crawler.Crawling;
using Scrm.Connectors.Crawler.Sites;
using Scrm.Connectors.Crawler.Storage;
using Scrm.Platform.Storage;

namespace Scrm.Connectors.Crawler;

/// <summary>Web crawling for lead capture: configured sites crawled politely on a schedule.</summary>
public static class CrawlerConnectorModule
{
    public static IServiceCollection AddScrmCrawlerConnector(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(CrawlerOptions.Section);
        services.AddOptions<CrawlerOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CrawlerOptions>, CrawlerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<CrawlerDbContext, SqliteCrawlerDbContext, PostgresCrawlerDbContext>("crawler");
        services.AddHttpClient(PageFetcher.HttpClientName, (sp, http) =>
            {
                http.Timeout = TimeSpan.FromSeconds(20);
                http.DefaultRequestHeaders.UserAgent.ParseAdd(sp.GetRequiredService<IOptions<CrawlerOptions>>().Value.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                MaxResponseHeadersLength = 64,
            });
        services.AddSingleton<PageFetcher>();
        services.AddSingleton<SiteCrawler>();

        var sites = section.Get<CrawlerOptions>()?.Sites ?? [];
        services.AddQuartz(q =>
        {
            foreach (var (name, site) in sites.Where(s => !string.IsNullOrEmpty(s.Value.Schedule)))
            {
                var job = new JobKey($"crawl-{name}", "connectors");
                q.AddJob<CrawlJob>(j => j.WithIdentity(job).UsingJobData(CrawlJob.SiteKey, name));
                q.AddTrigger(t => t.ForJob(job).WithIdentity($"crawl-{name}", "connectors").WithCronSchedule(site.Schedule!));
            }
        });
        return services;
    }

    public static IEndpointRouteBuilder MapCrawlerConnector(this IEndpointRouteBuilder app)
    {
        app.MapCrawl();
        return app;
    }
}
