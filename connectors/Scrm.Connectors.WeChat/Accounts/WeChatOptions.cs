using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.WeChat.Accounts;

/// <summary><c>Scrm:Connectors:WeChat</c>: the Official Accounts the product receives from and sends through.</summary>
public sealed class WeChatOptions
{
    public const string Section = "Scrm:Connectors:WeChat";

    /// <summary>By name; the name is the callback path segment: <c>/connectors/wechat/{name}</c>.</summary>
    public Dictionary<string, WeChatAccountOptions> Accounts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Official Account API (replaced by the fake channel server in tests and demos).</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.weixin.qq.com/");

    /// <summary>How far a callback's timestamp may be from now.</summary>
    public TimeSpan ReplayWindow { get; set; } = Sdk.Tencent.ReplayWindow.Default;
}

/// <summary>One Official Account, as its developer console shows it.</summary>
public sealed class WeChatAccountOptions
{
    public string AppId { get; set; } = "";

    /// <summary>The callback token (3–32 letters and digits).</summary>
    public string Token { get; set; } = "";

    /// <summary>Set for safe mode: every POST must then be encrypted.</summary>
    public string? EncodingAesKey { get; set; }

    /// <summary>Needed only to send (access tokens).</summary>
    public string? AppSecret { get; set; }

    /// <summary>Answers for the console; the secrets stay out of it.</summary>
    public override string ToString() => $"WeChat account {AppId}";
}

internal sealed partial class WeChatOptionsValidator : IValidateOptions<WeChatOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatOptions options)
    {
        var failures = new List<string>();
        if (options.ReplayWindow <= TimeSpan.Zero || options.ReplayWindow > TimeSpan.FromMinutes(15))
        {
            failures.Add($"{WeChatOptions.Section}:ReplayWindow must be between 0 and 15 minutes.");
        }

        foreach (var (account, a) in options.Accounts)
        {
            var prefix = $"{WeChatOptions.Section}:Accounts:{account}";
            if (!AccountName().IsMatch(account))
            {
                failures.Add($"{prefix}: the account name may contain only letters, digits, '-' and '_' (at most 64).");
            }

            if (!AppIdPattern().IsMatch(a.AppId))
            {
                failures.Add($"{prefix}:AppId is required (wx followed by letters and digits).");
            }

            if (!TokenPattern().IsMatch(a.Token))
            {
                failures.Add($"{prefix}:Token is required: 3 to 32 letters and digits, as set in the console.");
            }

            if (a.EncodingAesKey is { Length: > 0 } key && !CallbackCipher.IsValidKey(key))
            {
                failures.Add($"{prefix}:EncodingAesKey must be the console's 43-character key.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AccountName();

    [GeneratedRegex("^wx[A-Za-z0-9]{4,30}$")]
    private static partial Regex AppIdPattern();

    [GeneratedRegex("^[A-Za-z0-9]{3,32}$")]
    private static partial Regex TokenPattern();
}
