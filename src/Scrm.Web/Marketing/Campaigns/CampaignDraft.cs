using Scrm.Campaigns.Sending;

namespace Scrm.Web.Marketing.Campaigns;

/// <summary>One channel of the campaign as the editor holds it: the text the marketer typed.</summary>
internal sealed class ChannelDraft
{
    public string Channel { get; set; } = CampaignChannels.Sms;

    public string Account { get; set; } = "";

    public string Text { get; set; } = "";

    public string Subject { get; set; } = "";

    /// <summary>WeChat only: a template message instead of a customer-service text.</summary>
    public string TemplateId { get; set; } = "";

    /// <summary>Template values, one <c>key=value</c> a line.</summary>
    public string Values { get; set; } = "";

    public string Url { get; set; } = "";
}

/// <summary>One A/B variant as the editor holds it: a name, a weight, and optionally its own content.</summary>
internal sealed class VariantDraft
{
    public string Name { get; set; } = "";

    public int Weight { get; set; } = 50;

    /// <summary>The variant's own text on every channel that sends text; blank: the campaign's channels as they are.</summary>
    public string Text { get; set; } = "";

    /// <summary>The variant's channels as saved, kept while its text is not changed here (the API may have set each channel apart).</summary>
    internal IReadOnlyList<ChannelPlan>? Saved { get; init; }

    internal string SavedText { get; init; } = "";

    public IReadOnlyList<ChannelPlan>? ChannelsFor(IReadOnlyList<ChannelPlan> campaign) =>
        Saved is not null && Text == SavedText ? Saved
        : string.IsNullOrWhiteSpace(Text) ? null
        : [.. campaign.Select(c => c.Text is null ? c : c with { Text = Text })];

    public static VariantDraft From(VariantPlan plan)
    {
        var text = plan.Channels?.FirstOrDefault(c => c.Text is not null)?.Text ?? "";
        return new VariantDraft { Name = plan.Name, Weight = plan.Weight, Text = text, Saved = plan.Channels, SavedText = text };
    }
}

/// <summary>A campaign as the editor holds it, and the plan it saves (checked by the campaigns module's own <see cref="PlanRules"/>).</summary>
internal sealed class CampaignDraft
{
    public string Name { get; set; } = "";

    public Guid? SegmentId { get; set; }

    public List<ChannelDraft> Channels { get; } = [];

    /// <summary>HH:mm China time; both blank: the configured default.</summary>
    public string QuietStart { get; set; } = "";

    public string QuietEnd { get; set; } = "";

    public int? Version { get; set; }

    /// <summary>A/B variants (none: everyone gets the channels above).</summary>
    public List<VariantDraft> Variants { get; } = [];

    /// <summary>Percent of the audience held back to measure the campaign against.</summary>
    public int Holdout { get; set; }

    public CampaignPlan ToPlan()
    {
        var channels = ChannelPlans();
        return new(
            channels,
            Blank(QuietStart) is null && Blank(QuietEnd) is null ? null : new QuietHoursPlan(QuietStart.Trim(), QuietEnd.Trim()),
            Variants.Count == 0 ? null : [.. Variants.Select(v => new VariantPlan(v.Name.Trim(), v.Weight, v.ChannelsFor(channels)))],
            Holdout);
    }

    private List<ChannelPlan> ChannelPlans() =>
        [.. Channels.Select(c => new ChannelPlan(
            c.Channel,
            c.Account.Trim(),
            c.Channel == CampaignChannels.WeChat && Blank(c.TemplateId) is not null ? null : c.Text,
            c.Channel == CampaignChannels.Email ? c.Subject : null,
            c.Channel == CampaignChannels.WeChat ? Blank(c.TemplateId) : null,
            c.Channel == CampaignChannels.WeChat && Blank(c.TemplateId) is not null ? ParseValues(c.Values) : null,
            Blank(c.Url)))];

    public static CampaignDraft From(CampaignView view)
    {
        var draft = new CampaignDraft
        {
            Name = view.Name,
            SegmentId = view.SegmentId,
            QuietStart = view.Plan.QuietHours?.Start ?? "",
            QuietEnd = view.Plan.QuietHours?.End ?? "",
            Version = view.Version,
            Holdout = view.Plan.Holdout,
        };
        draft.Channels.AddRange(view.Plan.Channels.Select(c => new ChannelDraft
        {
            Channel = c.Channel,
            Account = c.Account,
            Text = c.Text ?? "",
            Subject = c.Subject ?? "",
            TemplateId = c.TemplateId ?? "",
            Values = c.Values is null ? "" : string.Join('\n', c.Values.Select(v => $"{v.Key}={v.Value}")),
            Url = c.Url ?? "",
        }));
        draft.Variants.AddRange((view.Plan.Variants ?? []).Select(VariantDraft.From));
        return draft;
    }

    /// <summary>Moves the channel at <paramref name="index"/> one place earlier (-1) or later (+1) in the order they are tried.</summary>
    public void Move(int index, int by)
    {
        var to = index + by;
        if (index < 0 || index >= Channels.Count || to < 0 || to >= Channels.Count)
        {
            return;
        }

        (Channels[index], Channels[to]) = (Channels[to], Channels[index]);
    }

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static Dictionary<string, string>? ParseValues(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return values.Count == 0 ? null : values;
    }
}
