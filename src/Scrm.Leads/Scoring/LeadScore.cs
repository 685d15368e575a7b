using Scrm.Customers.Value;

namespace Scrm.Leads.Scoring;

/// <summary>What is known about a lead when it is scored.</summary>
internal sealed record LeadSignals(
    string Channel,
    bool HasPhone,
    bool HasEmail,
    bool HasCompany,
    string? ValueTier,
    int Interactions,
    bool BuyingIntent);

/// <summary>Weights of the lead score; every part is explained in the breakdown.</summary>
internal sealed record ScoringWeights
{
    public IReadOnlyDictionary<string, int> Channel { get; init; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["partner"] = 25,
        ["web"] = 20,
        ["api"] = 15,
        ["wecom"] = 15,
        ["wechat"] = 10,
        ["webhook"] = 5,
        ["weibo"] = 5,
        ["crawler"] = 3,
    };

    public IReadOnlyDictionary<string, int> ValueTier { get; init; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        [Tiers.HighValue] = 25,
        [Tiers.HighContribution] = 15,
        [Tiers.General] = 5,
        [Tiers.Dormant] = 0,
    };

    /// <summary>
    /// Words that show purchase intent in what the customer wrote (a form's message, a mention),
    /// matched case-insensitively anywhere in the text; Chinese is matched as written, without spaces.
    /// </summary>
    public IReadOnlyList<string> IntentWords { get; init; } =
    [
        "价格", "报价", "多少钱", "怎么收费", "收费", "购买", "采购", "试用", "演示", "合作", "询价", "方案", "下单", "订购", "合同", "预算",
        "price", "quote", "pricing", "demo", "trial", "buy", "purchase",
    ];

    public int Phone { get; init; } = 10;
    public int Email { get; init; } = 5;
    public int Company { get; init; } = 10;
    public int PerInteraction { get; init; } = 3;
    public int MaxEngagement { get; init; } = 15;
    public int BuyingIntent { get; init; } = 20;

    /// <summary>A score at or above this marks the lead hot.</summary>
    public int HotThreshold { get; init; } = 60;
}

/// <summary>Scores a lead 0–100 from its source, fit, value tier and engagement.</summary>
internal static class LeadScore
{
    /// <summary>Whether <paramref name="text"/> carries one of the weights' intent words.</summary>
    public static bool ShowsIntent(string? text, ScoringWeights weights) =>
        !string.IsNullOrEmpty(text) && weights.IntentWords.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    public static (int Score, bool Hot, IReadOnlyList<string> Breakdown) Compute(LeadSignals lead, ScoringWeights weights)
    {
        var parts = new List<(string, int)>
        {
            ($"source {lead.Channel}", weights.Channel.GetValueOrDefault(lead.Channel)),
            ("phone given", lead.HasPhone ? weights.Phone : 0),
            ("e-mail given", lead.HasEmail ? weights.Email : 0),
            ("company given", lead.HasCompany ? weights.Company : 0),
            ($"value tier {lead.ValueTier ?? "unknown"}", lead.ValueTier is null ? 0 : weights.ValueTier.GetValueOrDefault(lead.ValueTier)),
            ($"{lead.Interactions} interaction(s)", Math.Min(weights.MaxEngagement, Math.Max(0, lead.Interactions) * weights.PerInteraction)),
            ("buying intent", lead.BuyingIntent ? weights.BuyingIntent : 0),
        };
        var score = Math.Clamp(parts.Sum(p => p.Item2), 0, 100);
        return (score, score >= weights.HotThreshold, parts.Where(p => p.Item2 != 0).Select(p => $"{p.Item1}: +{p.Item2}").ToList());
    }
}
