using Microsoft.Extensions.Logging;
using Quartz;
using Scrm.Connectors.Crawler.Crawling;

namespace Scrm.Connectors.Crawler;

/// <summary>The scheduled crawl of one site (its name is in the job data); one run at a time.</summary>
[DisallowConcurrentExecution]
internal sealed partial class CrawlJob(SiteCrawler crawler, ILogger<CrawlJob> log) : IJob
{
    public const string SiteKey = "site";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var site = context.MergedJobDataMap.GetString(SiteKey)!;
        var report = await crawler.CrawlAsync(site, cancellationToken);
        LogCrawled(log, site, report.Requests, report.Leads, report.Mentions);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawled {Site}: {Requests} requests, {Leads} new leads, {Mentions} new mentions")]
    private static partial void LogCrawled(ILogger logger, string site, int requests, int leads, int mentions);
}
