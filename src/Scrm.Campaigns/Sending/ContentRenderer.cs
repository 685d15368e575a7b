using System.Collections.Concurrent;
using Fluid;
using Fluid.Values;
using Scrm.Campaigns.Channels;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Customers.Directory;

namespace Scrm.Campaigns.Sending;

/// <summary>What a recipient's message says, rendered from the channel's Liquid templates.</summary>
internal sealed record RenderedContent(string Channel, string? Subject, string? Text, string? TemplateId, IReadOnlyDictionary<string, string>? Values, string? Url);

/// <summary>
/// Renders a channel's content for one recipient. Templates see <c>customer.name</c> (name, else
/// nickname, else 顾客), <c>customer.tier</c>, <c>customer.province</c>, <c>customer.city</c>,
/// <c>campaign.name</c>, <c>unsubscribe_url</c> and <c>link</c> (the tracked link to the channel's
/// url, which a WeChat template also opens); nothing else of the customer is exposed.
/// </summary>
internal sealed class ContentRenderer
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = TemplateOptions.Default;
    private readonly ConcurrentDictionary<string, IFluidTemplate> _templates = new(StringComparer.Ordinal);

    public RenderedContent Render(ChannelPlan plan, CustomerReach customer, string campaignName, string? unsubscribeUrl, string? trackedUrl = null)
    {
        var context = new TemplateContext(Options);
        context.SetValue("customer", FluidValue.Create(new Dictionary<string, object>
        {
            ["name"] = customer.Name ?? customer.Nickname ?? "顾客",
            ["tier"] = customer.Tier ?? "",
            ["province"] = customer.Province ?? "",
            ["city"] = customer.City ?? "",
        }, Options));
        context.SetValue("campaign", FluidValue.Create(new Dictionary<string, object> { ["name"] = campaignName }, Options));
        context.SetValue("unsubscribe_url", FluidValue.Create(unsubscribeUrl ?? "", Options));
        context.SetValue("link", FluidValue.Create(plan.Url is null ? "" : trackedUrl ?? plan.Url, Options));
        string? Apply(string? source) => source is null ? null : Template(source).Render(context);
        return new RenderedContent(
            plan.Channel,
            Apply(plan.Subject),
            Apply(plan.Text),
            plan.TemplateId,
            plan.Values?.ToDictionary(v => v.Key, v => Apply(v.Value)!, StringComparer.Ordinal),
            plan.Url is null ? null : trackedUrl ?? plan.Url);
    }

    /// <summary>The rendered content in the shape the channel's sender takes.</summary>
    public static OutboundContent ToOutbound(RenderedContent content, string? unsubscribeUrl) => content.Channel switch
    {
        CampaignChannels.WeChat when content.TemplateId is not null =>
            new TemplateContent(content.TemplateId, content.Values ?? new Dictionary<string, string>(), content.Url is null ? null : new Uri(content.Url)),
        CampaignChannels.Email => new EmailContent(content.Subject ?? "", content.Text ?? "", unsubscribeUrl is null ? null : new Uri(unsubscribeUrl)),
        _ => new TextContent(content.Text ?? ""),
    };

    private IFluidTemplate Template(string source) =>
        _templates.GetOrAdd(source, s => Parser.TryParse(s, out var template, out var error)
            ? template
            : throw new InvalidOperationException("A saved campaign template no longer parses: " + error));
}
