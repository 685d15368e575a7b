using Scrm.Customers.Directory;
using Scrm.Customers.Identity;

namespace Scrm.Campaigns.Sending;

/// <summary>Why a recipient gets no message from a campaign.</summary>
internal static class HoldReason
{
    /// <summary>Reachable on some ordered channel, but no consent on any of them.</summary>
    public const string NoConsent = "no-consent";

    /// <summary>Unsubscribed on every ordered channel they could be reached on (or on all channels).</summary>
    public const string Unsubscribed = "unsubscribed";

    /// <summary>No identity for any of the campaign's channels.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Only reachable by WeChat customer-service messages, and more than 48 hours since they last wrote.</summary>
    public const string OutsideWindow = "outside-window";

    /// <summary>Already had the most marketing messages the cap allows in its window (any campaign, any channel).</summary>
    public const string FrequencyCap = "frequency-cap";

    /// <summary>The send would fall in quiet hours (dry run only: a running campaign waits for them to end).</summary>
    public const string QuietHours = "quiet-hours";

    /// <summary>No longer a customer of their own (merged into another) when the campaign reached them.</summary>
    public const string Gone = "gone";

    /// <summary>In the campaign's holdout group: kept from every message to measure the campaign against.</summary>
    public const string Holdout = Split.Holdout;

    public static readonly IReadOnlyList<string> All = [NoConsent, Unsubscribed, Unreachable, OutsideWindow, FrequencyCap, QuietHours, Gone, Holdout];
}

/// <summary>The channel a recipient gets the campaign on, and their address there.</summary>
internal sealed record ChannelChoice(int Index, ChannelPlan Plan, string Address);

/// <summary>Which channel reaches a customer, in the marketer's order, or why none does.</summary>
internal static class Audience
{
    /// <summary>WeChat customer-service messages only within this long after the customer's last interaction.</summary>
    public static readonly TimeSpan WeChatWindow = TimeSpan.FromHours(48);

    /// <summary>The first ordered channel the customer has an address on, has consented to, has not unsubscribed from and can receive now; else the hold reason.</summary>
    /// <param name="unsubscribed">Channels the customer unsubscribed from (<c>*</c>: all).</param>
    public static (ChannelChoice? Choice, string? Held) Choose(CustomerReach customer, IReadOnlyList<ChannelPlan> channels, IReadOnlySet<string> unsubscribed, long now)
    {
        bool reachable = false, sawUnsubscribed = false, sawNoConsent = false, sawWindow = false;
        var allOff = unsubscribed.Contains("*");
        for (var i = 0; i < channels.Count; i++)
        {
            var plan = channels[i];
            if (Address(customer, plan) is not { } address)
            {
                continue;
            }

            reachable = true;
            if (allOff || unsubscribed.Contains(plan.Channel) || Withdrawn(customer, plan.Channel))
            {
                sawUnsubscribed = true;
                continue;
            }

            if (!Consented(customer, plan))
            {
                sawNoConsent = true;
                continue;
            }

            if (plan.Channel == CampaignChannels.WeChat && plan.TemplateId is null
                && (customer.LastInboundAt is not { } last || now - last > (long)WeChatWindow.TotalMilliseconds))
            {
                sawWindow = true;
                continue;
            }

            return (new ChannelChoice(i, plan, address), null);
        }

        return (null, !reachable ? HoldReason.Unreachable
            : sawUnsubscribed ? HoldReason.Unsubscribed
            : sawNoConsent ? HoldReason.NoConsent
            : sawWindow ? HoldReason.OutsideWindow
            : HoldReason.Unreachable);
    }

    /// <summary>The customer's id on the channel: OpenID under the account, external user id under the corporation, phone, e-mail.</summary>
    public static string? Address(CustomerReach customer, ChannelPlan plan) => plan.Channel switch
    {
        CampaignChannels.WeChat => Identity(customer, IdentityTypes.WeChatOpenId, plan.Account),
        CampaignChannels.WeCom => Identity(customer, IdentityTypes.WeComExternalUserId, plan.Account),
        CampaignChannels.Sms => customer.Identities.FirstOrDefault(i => i.Type == IdentityTypes.Phone)?.Value ?? Blank(customer.Phone),
        CampaignChannels.Email => customer.Identities.FirstOrDefault(i => i.Type == IdentityTypes.Email)?.Value ?? Blank(customer.Email),
        _ => null,
    };

    /// <summary>A granted consent on the channel for the account (<c>wechat:brand</c>) or for the channel as a whole (<c>sms</c>).</summary>
    public static bool Consented(CustomerReach customer, ChannelPlan plan) =>
        customer.Consents.Any(c => c.Granted && (c.Channel == plan.Channel || c.Channel == $"{plan.Channel}:{plan.Account}"));

    /// <summary>
    /// The channels a campaign's own unsubscribe records still hold the customer back on: a record is
    /// superseded by a channel-wide consent given after it (a re-subscribe).
    /// </summary>
    public static HashSet<string> StillUnsubscribed(CustomerReach? customer, IEnumerable<(string Channel, long At)> records) =>
        records.Where(u => customer is null || !customer.Consents.Any(c => c.Granted && c.At > u.At && (c.Channel == u.Channel || u.Channel == "*" && !c.Channel.Contains(':'))))
            .Select(u => u.Channel).ToHashSet(StringComparer.Ordinal);

    /// <summary>Consent withdrawn for the whole channel (an unsubscribe link or reply): it outranks any account's consent there.</summary>
    public static bool Withdrawn(CustomerReach customer, string channel) =>
        customer.Consents.Any(c => !c.Granted && c.Channel == channel);

    /// <summary>An id scoped to the account (an OpenID belongs to one Official Account), or one stored without an account.</summary>
    private static string? Identity(CustomerReach customer, string type, string account) =>
        customer.Identities.FirstOrDefault(i => i.Type == type && i.Account == account)?.Value
        ?? customer.Identities.FirstOrDefault(i => i.Type == type && i.Account.Length == 0)?.Value;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
