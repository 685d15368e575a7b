using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.WeCom.Accounts;

/// <summary><c>Scrm:Connectors:WeCom</c>: the WeCom (企业微信) corporations whose external contacts the product follows.</summary>
public sealed class WeComOptions
{
    public const string Section = "Scrm:Connectors:WeCom";

    /// <summary>By name; the name is the callback path segment: <c>/connectors/wecom/{name}</c>.</summary>
    public Dictionary<string, WeComAccountOptions> Accounts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The WeCom server API (replaced by the fake channel server in tests and demos).</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://qyapi.weixin.qq.com/");

    public TimeSpan ReplayWindow { get; set; } = Sdk.Tencent.ReplayWindow.Default;

    /// <summary>Mass messages one customer may receive from the corporation per calendar month (China time).</summary>
    [Range(1, 31)]
    public int MonthlyMassSendLimitPerCustomer { get; set; } = 4;
}

/// <summary>One corporation's customer-contact callback and API settings.</summary>
public sealed class WeComAccountOptions
{
    /// <summary>The CorpId: the receive id every encrypted message must end with.</summary>
    public string CorpId { get; set; } = "";

    public string Token { get; set; } = "";

    /// <summary>WeCom callbacks are always encrypted, so the key is required.</summary>
    public string EncodingAesKey { get; set; } = "";

    /// <summary>The customer-contact secret; needed only to send.</summary>
    public string? Secret { get; set; }

    public override string ToString() => $"WeCom corporation {CorpId}";
}

internal sealed partial class WeComOptionsValidator : IValidateOptions<WeComOptions>
{
    public ValidateOptionsResult Validate(string? name, WeComOptions options)
    {
        var failures = new List<string>();
        if (options.ReplayWindow <= TimeSpan.Zero || options.ReplayWindow > TimeSpan.FromMinutes(15))
        {
            failures.Add($"{WeComOptions.Section}:ReplayWindow must be between 0 and 15 minutes.");
        }

        if (options.MonthlyMassSendLimitPerCustomer is < 1 or > 31)
        {
            failures.Add($"{WeComOptions.Section}:MonthlyMassSendLimitPerCustomer must be between 1 and 31.");
        }

        foreach (var (account, a) in options.Accounts)
        {
            var prefix = $"{WeComOptions.Section}:Accounts:{account}";
            if (!AccountName().IsMatch(account))
            {
                failures.Add($"{prefix}: the account name may contain only letters, digits, '-' and '_' (at most 64).");
            }

            if (!CorpIdPattern().IsMatch(a.CorpId))
            {
                failures.Add($"{prefix}:CorpId is required (ww or wx followed by letters and digits).");
            }

            if (!TokenPattern().IsMatch(a.Token))
            {
                failures.Add($"{prefix}:Token is required: 3 to 32 letters and digits, as set in the admin console.");
            }

            if (!CallbackCipher.IsValidKey(a.EncodingAesKey))
            {
                failures.Add($"{prefix}:EncodingAesKey is required: the admin console's 43-character key.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AccountName();

    [GeneratedRegex("^w[wx][A-Za-z0-9]{4,30}$")]
    private static partial Regex CorpIdPattern();

    [GeneratedRegex("^[A-Za-z0-9]{3,32}$")]
    private static partial Regex TokenPattern();
}
