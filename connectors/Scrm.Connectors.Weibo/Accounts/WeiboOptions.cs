using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Scrm.Connectors.Weibo.Accounts;

/// <summary><c>Scrm:Connectors:Weibo</c>: the Weibo accounts whose mentions and comments are polled.</summary>
public sealed class WeiboOptions
{
    public const string Section = "Scrm:Connectors:Weibo";

    public Dictionary<string, WeiboAccountOptions> Accounts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Weibo open API (replaced by the fake channel server in tests and demos).</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.weibo.com/");

    /// <summary>Items asked for per page (Weibo allows up to 200).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Pages read per feed per poll; more new items than this wait for the next poll.</summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>Retries of one request after an error or a rate limit, with exponential backoff and jitter.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The first wait after Weibo says "out of rate limit"; it doubles (with jitter) on each retry.</summary>
    public TimeSpan RateLimitDelay { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class WeiboAccountOptions
{
    /// <summary>The OAuth2 access token of the brand's Weibo account.</summary>
    public string AccessToken { get; set; } = "";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    public override string ToString() => "Weibo account";
}

internal sealed partial class WeiboOptionsValidator : IValidateOptions<WeiboOptions>
{
    public ValidateOptionsResult Validate(string? name, WeiboOptions options)
    {
        var failures = new List<string>();
        if (options.PageSize is < 1 or > 200)
        {
            failures.Add($"{WeiboOptions.Section}:PageSize must be between 1 and 200.");
        }

        if (options.MaxPages is < 1 or > 50)
        {
            failures.Add($"{WeiboOptions.Section}:MaxPages must be between 1 and 50.");
        }

        if (options.MaxRetries is < 0 or > 10 || options.RetryDelay < TimeSpan.Zero || options.RateLimitDelay < TimeSpan.Zero)
        {
            failures.Add($"{WeiboOptions.Section}: MaxRetries must be 0 to 10 and the delays not negative.");
        }

        foreach (var (account, a) in options.Accounts)
        {
            var prefix = $"{WeiboOptions.Section}:Accounts:{account}";
            if (!AccountName().IsMatch(account))
            {
                failures.Add($"{prefix}: the account name may contain only letters, digits, '-' and '_' (at most 64).");
            }

            if (string.IsNullOrWhiteSpace(a.AccessToken))
            {
                failures.Add($"{prefix}:AccessToken is required.");
            }

            if (a.PollInterval < TimeSpan.FromSeconds(1) || a.PollInterval > TimeSpan.FromDays(1))
            {
                failures.Add($"{prefix}:PollInterval must be between 1 second and 1 day.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AccountName();
}
