using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Crawler.Extraction;
using Scrm.Connectors.Crawler.Sites;
using Scrm.Connectors.Crawler.Storage;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.Crawler.Crawling;

/// <summary>What one crawl of a site did.</summary>
public sealed record CrawlReport(
    int Requests, int Pages, int NotModified, int TooLarge, int Skipped, int Leads, int Mentions, IReadOnlyList<string> Visited, bool BudgetSpent);

/// <summary>
/// Crawls one configured site breadth-first: robots.txt obeyed, one request at a time with a pause
/// between, only the allowed host, links to the configured depth, within the page budget. HTTP
/// redirects and meta refreshes are followed as hops of one chain, at most MaxRedirects long and
/// never back to a page already seen. Items are appended to the journal page by page.
/// </summary>
internal sealed partial class SiteCrawler(
    PageFetcher fetcher, IJournal journal, IDbContextFactory<CrawlerDbContext> contexts, IOptions<CrawlerOptions> options, TimeProvider time, ILogger<SiteCrawler> log)
{
    public async Task<CrawlReport> CrawlAsync(string site, CancellationToken cancellationToken)
    {
        var settings = options.Value.Sites.TryGetValue(site, out var s) ? s : throw new ArgumentException("No crawl site is configured under this name.", nameof(site));
        var state = new CrawlState(settings);
        var robots = await RobotsAsync(settings, cancellationToken);
        var delay = robots.CrawlDelay is { } crawlDelay && crawlDelay > settings.Delay ? crawlDelay : settings.Delay;
        var queue = new Queue<(Uri Url, int Depth, int Hops)>(settings.Seeds.Select(u => (Normalize(u), 0, 0)));
        var first = true;
        while (queue.Count > 0)
        {
            var (url, depth, hops) = queue.Dequeue();
            if (!state.Seen.Add(url.AbsoluteUri) || !Allowed(settings, url) || !robots.Allows(url))
            {
                continue;
            }

            if (state.Requests >= settings.PageBudget)
            {
                state.BudgetSpent = true;
                break;
            }

            if (!first)
            {
                await Task.Delay(delay, time, cancellationToken);
            }

            first = false;
            state.Requests++;
            state.Visited.Add(url.AbsoluteUri);
            var known = await KnownAsync(site, url, cancellationToken);
            FetchResult result;
            try
            {
                result = await fetcher.FetchAsync(url, known?.ETag, known?.LastModified, settings.MaxPageBytes, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                state.Skipped++;
                LogFailed(log, site, ex.GetType().Name);
                continue;
            }

            switch (result.Outcome)
            {
                case FetchOutcome.NotModified:
                    state.NotModified++;
                    break;
                case FetchOutcome.Redirect when hops < settings.MaxRedirects:
                    queue.Enqueue((Normalize(result.Location!), depth, hops + 1));
                    break;
                case FetchOutcome.Redirect:
                    LogRedirectLimit(log, site, settings.MaxRedirects);
                    state.Skipped++;
                    break;
                case FetchOutcome.TooLarge:
                    state.TooLarge++;
                    LogTooLarge(log, site, settings.MaxPageBytes);
                    break;
                case FetchOutcome.Page:
                    state.Pages++;
                    await ProcessAsync(site, settings, url, result, depth, hops, queue, state, cancellationToken);
                    break;
                default:
                    state.Skipped++;
                    break;
            }
        }

        return new CrawlReport(state.Requests, state.Pages, state.NotModified, state.TooLarge, state.Skipped, state.Leads, state.Mentions, state.Visited, state.BudgetSpent);
    }

    private async Task ProcessAsync(
        string site, CrawlSiteOptions settings, Uri url, FetchResult result, int depth, int hops, Queue<(Uri, int, int)> queue, CrawlState state, CancellationToken ct)
    {
        if (HtmlPages.Read(result.Html!, url) is not { } page)
        {
            state.Skipped++;
            return;
        }

        var items = CrawlItems.From(site, url, page, settings.Keywords, time.GetUtcNow());
        if (items.Count > 0)
        {
            var appended = await journal.AppendAsync(items, ct);
            for (var i = 0; i < items.Count; i++)
            {
                if (appended[i].Duplicate)
                {
                    continue;
                }

                if (items[i].Kind == InboundKind.Lead)
                {
                    state.Leads++;
                }
                else
                {
                    state.Mentions++;
                }
            }
        }

        // Remembered only after the journal holds what the page yielded.
        await RememberAsync(site, url, result, ct);
        if (page.Refresh is { } refresh)
        {
            if (hops < settings.MaxRedirects)
            {
                queue.Enqueue((Normalize(refresh), depth, hops + 1));
            }

            return;
        }

        if (depth < settings.MaxDepth)
        {
            foreach (var link in page.Links)
            {
                queue.Enqueue((Normalize(link), depth + 1, 0));
            }
        }
    }

    private async Task<RobotsRules> RobotsAsync(CrawlSiteOptions settings, CancellationToken cancellationToken)
    {
        var seed = settings.Seeds[0];
        try
        {
            var result = await fetcher.FetchRobotsAsync(new Uri(seed, "/robots.txt"), cancellationToken);
            return result.Status switch
            {
                >= 200 and < 300 => RobotsRules.Parse(result.Text ?? "", options.Value.UserAgent),
                >= 500 => RobotsRules.Unavailable,
                _ => RobotsRules.AllowAll,
            };
        }
        catch (HttpRequestException)
        {
            return RobotsRules.Unavailable;
        }
    }

    private async Task<CrawledPageRow?> KnownAsync(string site, Uri url, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hash = Hash(url);
        return await db.Pages.AsNoTracking().SingleOrDefaultAsync(p => p.Site == site && p.UrlHash == hash, cancellationToken);
    }

    private async Task RememberAsync(string site, Uri url, FetchResult result, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hash = Hash(url);
        var row = await db.Pages.SingleOrDefaultAsync(p => p.Site == site && p.UrlHash == hash, cancellationToken);
        if (row is null)
        {
            db.Pages.Add(row = new CrawledPageRow { Site = site, UrlHash = hash, Url = url.AbsoluteUri.Length > 2048 ? url.AbsoluteUri[..2048] : url.AbsoluteUri });
        }

        row.ETag = result.ETag is { Length: <= 256 } etag ? etag : null;
        row.LastModified = result.LastModified;
        row.FetchedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
    }

    private static bool Allowed(CrawlSiteOptions settings, Uri url) =>
        url.Scheme is "http" or "https" && string.Equals(url.Host, settings.AllowedHost, StringComparison.OrdinalIgnoreCase);

    private static Uri Normalize(Uri url) => new UriBuilder(url) { Fragment = "" }.Uri;

    private static string Hash(Uri url) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)));

    private sealed class CrawlState(CrawlSiteOptions settings)
    {
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
        public List<string> Visited { get; } = new(settings.PageBudget);
        public int Requests { get; set; }
        public int Pages { get; set; }
        public int NotModified { get; set; }
        public int TooLarge { get; set; }
        public int Skipped { get; set; }
        public int Leads { get; set; }
        public int Mentions { get; set; }
        public bool BudgetSpent { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crawl of {Site}: a request failed ({Error})")]
    private static partial void LogFailed(ILogger logger, string site, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl of {Site}: a redirect chain passed {Limit} hops and was abandoned")]
    private static partial void LogRedirectLimit(ILogger logger, string site, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawl of {Site}: a page passed {Limit} bytes and was abandoned")]
    private static partial void LogTooLarge(ILogger logger, string site, int limit);
}
