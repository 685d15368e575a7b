using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Scrm.Campaigns.Sending;

/// <summary>
/// Whether a campaign's messages may go out with the links they carry: in Production a campaign
/// with links (an e-mail's unsubscribe link, a landing page, <c>{{ link }}</c> or
/// <c>{{ unsubscribe_url }}</c>) needs <c>Scrm:Campaigns:PublicBaseUrl</c>, since a link to
/// localhost would reach no customer and an unsubscribe that cannot be followed breaks the law on e-mail.
/// </summary>
internal sealed class PublicLinks(IOptions<CampaignsOptions> options, IHostEnvironment environment)
{
    public const string Setting = CampaignsOptions.Section + ":PublicBaseUrl";

    /// <summary>True when the plan carries links and this host has no public address for them.</summary>
    public bool Missing(CampaignPlan plan) =>
        environment.IsProduction() && options.Value.PublicBase is null && HasLinks(plan);

    /// <summary>Messages of the plan would carry a link served by this host.</summary>
    public static bool HasLinks(CampaignPlan plan) => plan.Channels.Concat(plan.Variants?.SelectMany(v => v.Channels ?? []) ?? []).Any(c =>
        c.Url is not null || c.Channel == CampaignChannels.Email
        || Mentions(c.Text) || Mentions(c.Subject) || (c.Values?.Values.Any(Mentions) ?? false));

    private static bool Mentions(string? template) =>
        template is not null && (template.Contains("unsubscribe_url", StringComparison.Ordinal) || template.Contains("link", StringComparison.Ordinal));
}
