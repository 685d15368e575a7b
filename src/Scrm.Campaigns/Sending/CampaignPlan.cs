using System.Globalization;
using System.Text.Json;
using Fluid;

namespace Scrm.Campaigns.Sending;

/// <summary>What a campaign sends: the channels in the marketer's order, each with its content (Liquid templates), and its quiet hours.</summary>
/// <param name="QuietHours">China time; null: the configured default. Equal start and end: no quiet hours.</param>
/// <param name="Variants">A/B variants, each sent to a share of the audience in proportion to its weight; none: everyone gets <paramref name="Channels"/>.</param>
/// <param name="Holdout">Percent of the audience (0–50) that receives nothing and is counted, to measure the campaign against.</param>
/// <param name="OnEntry">Sends to each customer as they enter the segment (through the <c>segmented-campaigns</c> workflow) instead of to its members at the start.</param>
/// <param name="Test">With variants: only a share of the audience gets them; the rest gets the winner once it is picked.</param>
public sealed record CampaignPlan(IReadOnlyList<ChannelPlan> Channels, QuietHoursPlan? QuietHours, IReadOnlyList<VariantPlan>? Variants = null, int Holdout = 0,
    bool OnEntry = false, AbTestPlan? Test = null);

/// <summary>An A/B variant: its name, its weight in the split, and its own channels and content (the campaign's when omitted).</summary>
public sealed record VariantPlan(string Name, int Weight, IReadOnlyList<ChannelPlan>? Channels = null);

/// <summary>One channel of a campaign: <c>wechat</c> (a template message when <paramref name="TemplateId"/> is set, else a customer-service text), <c>wecom</c>, <c>sms</c> or <c>email</c>.</summary>
/// <param name="Account">The configured channel account (WeChat Official Account, WeCom corporation) the message goes out through.</param>
public sealed record ChannelPlan(
    string Channel,
    string Account,
    string? Text = null,
    string? Subject = null,
    string? TemplateId = null,
    IReadOnlyDictionary<string, string>? Values = null,
    string? Url = null);

public sealed record QuietHoursPlan(string Start, string End);

internal static class CampaignChannels
{
    public const string WeChat = "wechat";
    public const string WeCom = "wecom";
    public const string Sms = "sms";
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [WeChat, WeCom, Sms, Email];
}

/// <summary>The checks a plan passes before it is saved: each failure names the field's path.</summary>
internal static class PlanRules
{
    public const int MaxText = 2_000;
    public const int MaxSubject = 200;

    private static readonly FluidParser Parser = new();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Every problem as (path, English-neutral code); empty when the plan can be sent.</summary>
    public static IReadOnlyList<(string Path, string Problem)> Check(CampaignPlan? plan)
    {
        var problems = new List<(string, string)>();
        if (plan?.Channels is not { Count: > 0 } channels)
        {
            problems.Add(("channels", "required"));
            return problems;
        }

        CheckChannels(problems, "channels", channels);
        CheckSplit(problems, plan);
        if (plan.QuietHours is { } quiet && (!TryTime(quiet.Start, out _) || !TryTime(quiet.End, out _)))
        {
            problems.Add(("quietHours", "time"));
        }

        return problems;
    }

    private static void CheckSplit(List<(string, string)> problems, CampaignPlan plan)
    {
        if (plan.Holdout is < 0 or > Split.MaxHoldout)
        {
            problems.Add(("holdout", "holdout"));
        }

        if (plan.Test is { } test)
        {
            if (plan.Variants is null)
            {
                problems.Add(("test", "test-variants"));
            }

            if (plan.OnEntry)
            {
                problems.Add(("test", "test-entry"));
            }

            if (test.Share is < 5 or > 90)
            {
                problems.Add(("test.share", "test-share"));
            }

            if (!WinnerRule.Metrics.Contains(test.Metric))
            {
                problems.Add(("test.metric", "test-metric"));
            }

            if (test.Hours is < 1 or > 720)
            {
                problems.Add(("test.hours", "test-hours"));
            }

            if (test.MinSample is < 1 or > 1_000_000)
            {
                problems.Add(("test.minSample", "test-sample"));
            }

            if (test.Confidence is < 0.8 or > 0.999 || double.IsNaN(test.Confidence))
            {
                problems.Add(("test.confidence", "test-confidence"));
            }
        }

        if (plan.Variants is not { } variants)
        {
            return;
        }

        if (variants.Count is < 2 or > Split.MaxVariants)
        {
            problems.Add(("variants", "variant-count"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            var at = $"variants[{i}]";
            if (v is null)
            {
                problems.Add((at, "required"));
                continue;
            }

            if (v.Name is not { Length: > 0 and <= 32 } || v.Name is Split.Holdout or Split.Rest || v.Name.Any(ch => !char.IsAsciiLetterOrDigit(ch) && ch is not '-' and not '_')
                || !names.Add(v.Name))
            {
                problems.Add(($"{at}.name", "variant-name"));
            }

            if (v.Weight is < 1 or > Split.MaxWeight)
            {
                problems.Add(($"{at}.weight", "weight"));
            }

            if (v.Channels is not null)
            {
                if (v.Channels.Count == 0)
                {
                    problems.Add(($"{at}.channels", "required"));
                }
                else
                {
                    CheckChannels(problems, $"{at}.channels", v.Channels);
                }
            }
        }
    }

    private static void CheckChannels(List<(string, string)> problems, string path, IReadOnlyList<ChannelPlan> channels)
    {
        if (channels.Count > CampaignChannels.All.Count)
        {
            problems.Add((path, "too-many"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < channels.Count; i++)
        {
            var c = channels[i];
            var at = $"{path}[{i}]";
            if (c is null)
            {
                problems.Add((at, "required"));
                continue;
            }

            if (!CampaignChannels.All.Contains(c.Channel))
            {
                problems.Add(($"{at}.channel", "unknown-channel"));
                continue;
            }

            if (!seen.Add(c.Channel))
            {
                problems.Add(($"{at}.channel", "duplicate-channel"));
            }

            if (c.Account is not { Length: > 0 and <= 64 } || c.Account.Any(ch => !char.IsAsciiLetterOrDigit(ch) && ch is not '-' and not '_'))
            {
                problems.Add(($"{at}.account", "account"));
            }

            var template = c.Channel == CampaignChannels.WeChat && c.TemplateId is not null;
            if (template)
            {
                if (c.TemplateId!.Length is 0 or > 128)
                {
                    problems.Add(($"{at}.templateId", "template-id"));
                }

                if (c.Values is not { Count: > 0 and <= 20 })
                {
                    problems.Add(($"{at}.values", "required"));
                }
                else
                {
                    foreach (var (key, value) in c.Values)
                    {
                        Liquid(problems, $"{at}.values.{key}", value, MaxText);
                    }
                }
            }
            else
            {
                Liquid(problems, $"{at}.text", c.Text, MaxText);
            }

            if (c.Channel == CampaignChannels.Email)
            {
                Liquid(problems, $"{at}.subject", c.Subject, MaxSubject);
            }

            if (c.Url is not null && (!Uri.TryCreate(c.Url, UriKind.Absolute, out var url) || url.Scheme is not "https" and not "http"))
            {
                problems.Add(($"{at}.url", "url"));
            }
        }
    }

    public static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    internal static bool TryParse(string source, out IFluidTemplate? template) =>
        Parser.TryParse(source, out template, out _);

    private static void Liquid(List<(string, string)> problems, string path, string? source, int max)
    {
        if (source is not { Length: > 0 } || source.Length > max || string.IsNullOrWhiteSpace(source))
        {
            problems.Add((path, "text"));
        }
        else if (!TryParse(source, out _))
        {
            problems.Add((path, "liquid"));
        }
    }
}
