using Microsoft.Extensions.Options;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.WeCom.Accounts;

/// <summary>A configured corporation, ready to verify and decrypt.</summary>
internal sealed record WeComAccount(string Name, string CorpId, string Token, CallbackCipher Cipher, string? Secret);

internal sealed class WeComAccounts(IOptions<WeComOptions> options)
{
    private readonly Dictionary<string, WeComAccount> _accounts = options.Value.Accounts.ToDictionary(
        a => a.Key,
        a => new WeComAccount(a.Key, a.Value.CorpId, a.Value.Token, new CallbackCipher(a.Value.EncodingAesKey, a.Value.CorpId),
            string.IsNullOrEmpty(a.Value.Secret) ? null : a.Value.Secret),
        StringComparer.OrdinalIgnoreCase);

    public TimeSpan ReplayWindow { get; } = options.Value.ReplayWindow;

    public WeComAccount? Find(string name) => _accounts.GetValueOrDefault(name);

    public IEnumerable<WeComAccount> All => _accounts.Values;
}
