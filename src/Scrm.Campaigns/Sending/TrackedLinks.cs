using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Scrm.Campaigns.Sending;

/// <summary>
/// Links served by the host (<c>/l/{token}</c>) that record a recipient's click and redirect to the
/// channel's landing page. The token names campaign, customer and channel only (signed, so it
/// cannot be altered); the destination comes from the saved campaign, so the host is no open redirect.
/// </summary>
internal sealed class TrackedLinks(IDataProtectionProvider protection, IOptions<CampaignsOptions> options)
{
    public const string Path = "l/";

    private readonly IDataProtector _protector = protection.CreateProtector("Scrm.Campaigns.Link.v1");

    public Uri For(Guid campaign, Guid customer, string channel) =>
        new(options.Value.LinkBase, Path + _protector.Protect($"{campaign:N}.{customer:N}.{channel}"));

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
