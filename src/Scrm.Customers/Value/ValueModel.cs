namespace Scrm.Customers.Value;

/// <summary>The tiers of the value pyramid, top first.</summary>
public static class Tiers
{
    public const string HighValue = "high_value";
    public const string HighContribution = "high_contribution";
    public const string General = "general";
    public const string Dormant = "dormant";

    public static readonly IReadOnlyList<string> Pyramid = [HighValue, HighContribution, General, Dormant];
}

/// <summary>Quintile cut points: four ascending values splitting a population into five equal parts.</summary>
internal sealed record Quintiles(double[] Cuts)
{
    public static readonly Quintiles Empty = new([]);

    /// <summary>The four cut points of the values (at 20/40/60/80 %, nearest rank).</summary>
    public static Quintiles Of(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return Empty;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var cuts = new double[4];
        for (var q = 1; q <= 4; q++)
        {
            cuts[q - 1] = sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * q / 5.0) - 1, 0, sorted.Length - 1)];
        }

        return new Quintiles(cuts);
    }

    /// <summary>1–5: how many cut points the value exceeds, plus one; reversed when lower is better.</summary>
    public int Score(double value, bool lowerIsBetter = false)
    {
        if (Cuts.Length == 0)
        {
            return 3;
        }

        var above = 0;
        foreach (var cut in Cuts)
        {
            if (value > cut)
            {
                above++;
            }
        }

        return lowerIsBetter ? 5 - above : 1 + above;
    }
}

/// <summary>The population's cut points for recency (days), frequency (orders) and monetary (cents).</summary>
internal sealed record RfmCuts(Quintiles Recency, Quintiles Frequency, Quintiles Monetary)
{
    public static readonly RfmCuts Empty = new(Quintiles.Empty, Quintiles.Empty, Quintiles.Empty);
}

/// <summary>What scoring needs to know about one customer.</summary>
internal readonly record struct ValueInput(int Orders, long MonetaryCents, long? LastOrderAt, IReadOnlyDictionary<string, string>? Fields);

internal sealed record IndicatorScore(string Name, double Value, double Weight, double Contribution);

internal sealed record ValueScore(int R, int F, int M, double Score, string? Tier, IReadOnlyList<IndicatorScore> Breakdown);

/// <summary>Pure value scoring: RFM quintiles, the weighted model, tiers.</summary>
internal static class ValueModel
{
    public static double RecencyDays(long lastOrderAt, long now) => Math.Max(0, (now - lastOrderAt) / 86_400_000.0);

    /// <summary>Cut points of the customers who have ordered.</summary>
    public static RfmCuts Cuts(ReadOnlySpan<double> recencyDays, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary) =>
        new(Quintiles.Of(recencyDays), Quintiles.Of(frequency), Quintiles.Of(monetary));

    /// <summary>
    /// A customer who never ordered has no tier. One whose last order is older than the dormant
    /// limit is dormant whatever they spent. Otherwise: high value from the score threshold, high
    /// contribution when their spend is in the top monetary quintiles, general for the rest.
    /// </summary>
    public static ValueScore Score(ValueInput input, RfmCuts cuts, ValueOptions options, long now)
    {
        if (input.Orders == 0 || input.LastOrderAt is not { } last)
        {
            return new ValueScore(0, 0, 0, 0, null, []);
        }

        var days = RecencyDays(last, now);
        var r = cuts.Recency.Score(days, lowerIsBetter: true);
        var f = cuts.Frequency.Score(input.Orders);
        var m = cuts.Monetary.Score(input.MonetaryCents);
        var breakdown = new List<IndicatorScore>(options.Indicators.Count);
        var totalWeight = 0.0;
        var sum = 0.0;
        foreach (var indicator in options.Indicators)
        {
            var value = indicator.Source switch
            {
                "recency" => (r - 1) / 4.0,
                "frequency" => (f - 1) / 4.0,
                "monetary" => (m - 1) / 4.0,
                _ when indicator.Source.StartsWith("field:", StringComparison.Ordinal) => Field(input.Fields, indicator),
                _ => 0,
            };
            totalWeight += indicator.Weight;
            sum += indicator.Weight * value;
            breakdown.Add(new IndicatorScore(indicator.Name, Math.Round(value * 100, 2), indicator.Weight, indicator.Weight * value));
        }

        var score = totalWeight > 0 ? Math.Round(100 * sum / totalWeight, 2) : 0;
        for (var i = 0; i < breakdown.Count; i++)
        {
            breakdown[i] = breakdown[i] with { Contribution = totalWeight > 0 ? Math.Round(100 * breakdown[i].Contribution / totalWeight, 2) : 0 };
        }

        var tier = days > options.DormantDays ? Tiers.Dormant
            : score >= options.HighValueScore ? Tiers.HighValue
            : m >= options.HighContributionMonetary ? Tiers.HighContribution
            : Tiers.General;
        return new ValueScore(r, f, m, score, tier, breakdown);
    }

    private static double Field(IReadOnlyDictionary<string, string>? fields, ValueIndicator indicator)
    {
        if (fields is null || !fields.TryGetValue(indicator.Source["field:".Length..], out var text)
            || !double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || indicator.Max <= indicator.Min)
        {
            return 0;
        }

        return Math.Clamp((value - indicator.Min) / (indicator.Max - indicator.Min), 0, 1);
    }
}

/// <summary>One level of the value pyramid.</summary>
internal sealed record PyramidLevel(string Tier, int Customers, double CustomerShare, long MonetaryCents, double MonetaryShare);

/// <summary>When a customer buys a product again.</summary>
internal sealed record PurchaseCycle(int Purchases, long LastPurchaseAt, double? CycleDays, long? NextDueAt);

internal static class PurchaseCycles
{
    /// <summary>
    /// The cycle is the median gap between purchases on different days (robust to one early or late
    /// purchase); it needs two purchases. The reminder date is the last purchase plus the cycle.
    /// </summary>
    public static PurchaseCycle Estimate(IEnumerable<long> purchaseTimes)
    {
        var days = purchaseTimes.Select(t => t / 86_400_000).Distinct().Order().ToArray();
        var all = purchaseTimes.ToArray();
        var last = all.Length == 0 ? 0 : all.Max();
        if (days.Length < 2)
        {
            return new PurchaseCycle(all.Length, last, null, null);
        }

        var gaps = new double[days.Length - 1];
        for (var i = 1; i < days.Length; i++)
        {
            gaps[i - 1] = days[i] - days[i - 1];
        }

        Array.Sort(gaps);
        var median = gaps.Length % 2 == 1 ? gaps[gaps.Length / 2] : (gaps[gaps.Length / 2 - 1] + gaps[gaps.Length / 2]) / 2;
        return new PurchaseCycle(all.Length, last, median, last + (long)(median * 86_400_000));
    }
}
