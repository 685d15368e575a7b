using Scrm.Platform.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Crawler.Sites;
using Scrm.Platform.Security;

namespace Scrm.Connectors.Crawler.Crawling;

/// <summary><c>POST /api/v1/connectors/crawler/{site}/crawl</c>: crawl a configured site now (admins).</summary>
internal static class CrawlApi
{
    private static readonly UserText UnknownSite = new("没有以此为名配置的抓取站点。", "No crawl site is configured under this name.");

    public static void MapCrawl(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/connectors/crawler").WithTags("Channels").RequireAuthorization(ScrmPolicies.Admin)
            .MapPost("/{site}/crawl", CrawlAsync)
            .Produces<CrawlReport>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Crawls the site now within its limits and reports what it found.");

    private static async Task<IResult> CrawlAsync(string site, SiteCrawler crawler, IOptions<CrawlerOptions> options, HttpContext http, CancellationToken ct) =>
        options.Value.Sites.ContainsKey(site)
            ? TypedResults.Ok(await crawler.CrawlAsync(site, ct))
            : TypedResults.Problem(UnknownSite.In(http), statusCode: StatusCodes.Status404NotFound);
}
