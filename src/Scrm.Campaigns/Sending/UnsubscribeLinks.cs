using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Scrm.Campaigns.Sending;

/// <summary>Links that unsubscribe one customer from one channel's marketing, signed by the host's data protection keys so they cannot be forged or altered.</summary>
internal sealed class UnsubscribeLinks(IDataProtectionProvider protection, IOptions<CampaignsOptions> options)
{
    public const string Path = "u/";

    private readonly IDataProtector _protector = protection.CreateProtector("Scrm.Campaigns.Unsubscribe.v1");

    public Uri For(Guid campaign, Guid customer, string channel) =>
        new(options.Value.LinkBase, Path + _protector.Protect($"{campaign:N}.{customer:N}.{channel}"));

    /// <summary>Who and what the token unsubscribes, or null when it is not one of ours.</summary>
    public (Guid Campaign, Guid Customer, string Channel)? Read(string token)
    {
        try
        {
            var parts = _protector.Unprotect(token).Split('.');
            return parts.Length == 3 && Guid.TryParseExact(parts[0], "N", out var campaign) && Guid.TryParseExact(parts[1], "N", out var customer)
                ? (campaign, customer, parts[2])
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
