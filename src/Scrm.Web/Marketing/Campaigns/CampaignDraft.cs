using Scrm.Campaigns.Sending;

namespace Scrm.Web.Marketing.Campaigns;

/// <summary>One channel of the campaign as the editor holds it: the text the marketer typed.</summary>
public sealed class ChannelDraft
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

/// <summary>A campaign as the editor holds it, and the plan it saves (checked by the campaigns module's own <see cref="PlanRules"/>).</summary>
public sealed class CampaignDraft
{
    public string Name { get; set; } = "";

    public Guid? SegmentId { get; set; }

    public List<ChannelDraft> Channels { get; } = [];

    /// <summary>HH:mm China time; both blank: the configured default.</summary>
    public string QuietStart { get; set; } = "";

    public string QuietEnd { get; set; } = "";

    public int? Version { get; set; }

    /// <summary>A/B variants and the holdout share, kept as loaded (the API edits them; this editor does not yet).</summary>
    public IReadOnlyList<VariantPlan>? Variants { get; set; }

    public int Holdout { get; set; }

    public CampaignPlan ToPlan() => new(
        [.. Channels.Select(c => new ChannelPlan(
            c.Channel,
            c.Account.Trim(),
            c.Channel == CampaignChannels.WeChat && Blank(c.TemplateId) is not null ? null : c.Text,
            c.Channel == CampaignChannels.Email ? c.Subject : null,
            c.Channel == CampaignChannels.WeChat ? Blank(c.TemplateId) : null,
            c.Channel == CampaignChannels.WeChat && Blank(c.TemplateId) is not null ? ParseValues(c.Values) : null,
            Blank(c.Url)))],
        Blank(QuietStart) is null && Blank(QuietEnd) is null ? null : new QuietHoursPlan(QuietStart.Trim(), QuietEnd.Trim()),
        Variants,
        Holdout);

    public static CampaignDraft From(CampaignView view)
    {
        var draft = new CampaignDraft
        {
            Name = view.Name,
            SegmentId = view.SegmentId,
            QuietStart = view.Plan.QuietHours?.Start ?? "",
            QuietEnd = view.Plan.QuietHours?.End ?? "",
            Version = view.Version,
            Variants = view.Plan.Variants,
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
