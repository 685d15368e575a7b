using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Scrm.Platform.Scheduling;

namespace Scrm.Connectors.Crawler.Sites;

/// <summary><c>Scrm:Connectors:Crawler</c>: the sites crawled for leads and mentions, and how politely.</summary>
public sealed class CrawlerOptions
{
    public const string Section = "Scrm:Connectors:Crawler";

    public Dictionary<string, CrawlSiteOptions> Sites { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sent with every request and matched against robots.txt groups (by its first word).</summary>
    public string UserAgent { get; set; } = "ScrmCrawler/1.0";
}

/// <summary>One site: where to start, how far to go, and when.</summary>
public sealed class CrawlSiteOptions
{
    public List<Uri> Seeds { get; set; } = [];

    /// <summary>The only host fetched; links and redirects elsewhere are not followed.</summary>
    public string AllowedHost { get; set; } = "";

    /// <summary>Link hops from a seed (a seed is depth 0).</summary>
    public int MaxDepth { get; set; } = 2;

    /// <summary>Requests per crawl, redirects included; robots.txt is not counted.</summary>
    public int PageBudget { get; set; } = 50;

    /// <summary>A Quartz cron expression; empty crawls only on demand.</summary>
    public string? Schedule { get; set; } = "0 0 3 * * ?";

    /// <summary>The pause between two requests (robots.txt's Crawl-delay wins when longer).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A page is read up to this size; a larger one is abandoned there.</summary>
    public int MaxPageBytes { get; set; } = 1024 * 1024;

    /// <summary>HTTP redirects and meta refreshes followed in a row.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Pages whose text contains one of these become mentions.</summary>
    public List<string> Keywords { get; set; } = [];
}

internal sealed partial class CrawlerOptionsValidator : IValidateOptions<CrawlerOptions>
{
    public ValidateOptionsResult Validate(string? name, CrawlerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.UserAgent) || options.UserAgent.Length > 200)
        {
            failures.Add($"{CrawlerOptions.Section}:UserAgent is required (at most 200 characters).");
        }

        foreach (var (site, s) in options.Sites)
        {
            var prefix = $"{CrawlerOptions.Section}:Sites:{site}";
            if (!SiteName().IsMatch(site))
            {
                failures.Add($"{prefix}: the site name may contain only letters, digits, '-' and '_' (at most 64).");
            }

            if (string.IsNullOrWhiteSpace(s.AllowedHost))
            {
                failures.Add($"{prefix}:AllowedHost is required.");
            }

            if (s.Seeds.Count == 0 || s.Seeds.Any(u => !u.IsAbsoluteUri || u.Scheme is not ("http" or "https")
                || !string.Equals(u.Host, s.AllowedHost, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{prefix}:Seeds must be absolute http(s) URLs on the allowed host.");
            }

            if (s.MaxDepth is < 0 or > 10 || s.PageBudget is < 1 or > 100_000 || s.MaxRedirects is < 0 or > 20)
            {
                failures.Add($"{prefix}: MaxDepth must be 0–10, PageBudget 1–100,000 and MaxRedirects 0–20.");
            }

            if (s.MaxPageBytes is < 1024 or > 64 * 1024 * 1024 || s.Delay < TimeSpan.Zero || s.Delay > TimeSpan.FromMinutes(1))
            {
                failures.Add($"{prefix}: MaxPageBytes must be 1 KiB–64 MiB and Delay 0–60 s.");
            }

            if (!string.IsNullOrEmpty(s.Schedule) && Cron.Problem(s.Schedule) is { } cron)
            {
                failures.Add($"{prefix}:Schedule {cron}");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }


    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SiteName();
}
