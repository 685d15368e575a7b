using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.WeChat.Accounts;

/// <summary>A configured account, ready to verify and decrypt: the key is decoded once.</summary>
internal sealed record WeChatAccount(string Name, string AppId, string Token, CallbackCipher? Cipher, string? AppSecret);

/// <summary>The configured accounts by name.</summary>
internal sealed class WeChatAccounts(IOptions<WeChatOptions> options)
{
    private readonly Dictionary<string, WeChatAccount> _accounts = options.Value.Accounts.ToDictionary(
        a => a.Key,
        a => new WeChatAccount(
            a.Key,
            a.Value.AppId,
            a.Value.Token,
            string.IsNullOrEmpty(a.Value.EncodingAesKey) ? null : new CallbackCipher(a.Value.EncodingAesKey, a.Value.AppId),
            string.IsNullOrEmpty(a.Value.AppSecret) ? null : a.Value.AppSecret),
        StringComparer.OrdinalIgnoreCase);

    public TimeSpan ReplayWindow { get; } = options.Value.ReplayWindow;

    public WeChatAccount? Find(string name) => _accounts.GetValueOrDefault(name);

    public IEnumerable<WeChatAccount> All => _accounts.Values;
}
