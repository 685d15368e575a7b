namespace Scrm.Campaigns.Sending;

/// <summary>
/// An A/B test with a winner: <paramref name="Share"/> percent of the audience outside the holdout
/// gets the variants; the rest waits until a winner is picked by <paramref name="Metric"/> after
/// <paramref name="Hours"/> (or on request) and then gets the winner.
/// </summary>
/// <param name="Metric"><c>click</c> (clicked ÷ sent) or <c>conversion</c> (converted ÷ sent, by the campaign's attribution).</param>
/// <param name="MinSample">Messages sent per variant before a difference can count.</param>
/// <param name="Confidence">One minus the significance level of the test (e.g. 0.95).</param>
public sealed record AbTestPlan(int Share, string Metric, int Hours, int MinSample = 100, double Confidence = 0.95);

/// <summary>One variant's figures for the metric: messages sent and successes (clicks or conversions).</summary>
public sealed record VariantFigures(string Variant, int Sent, int Successes)
{
    public double Rate => Sent == 0 ? 0 : Math.Round((double)Successes / Sent, 4);
}

/// <summary>The leader against one other variant: the two-proportion z statistic and its one-sided p-value.</summary>
public sealed record VariantComparison(string Variant, double Z, double P);

/// <summary>
/// What the figures say. <paramref name="Outcome"/>: <c>winner</c> (the leader beats every other
/// variant at the confidence asked, with at least the minimum sample each), <c>inconclusive</c>
/// (enough sample, no significant difference) or <c>too-few</c> (a variant below the minimum sample).
/// </summary>
public sealed record WinnerDecision(
    string Outcome, string? Winner, string Leader, string Metric, int MinSample, double Confidence, double Alpha,
    IReadOnlyList<VariantFigures> Variants, IReadOnlyList<VariantComparison> Comparisons);

/// <summary>A decision made and acted on: who won, how (<c>significant</c>, <c>period-ended</c> with the leader, or <c>chosen</c> by a marketer), when and by whom.</summary>
public sealed record StoredDecision(string Winner, string How, DateTimeOffset At, string By, WinnerDecision Figures);

/// <summary>The A/B winner rule as a pure function.</summary>
public static class WinnerRule
{
    public const string Winner = "winner";
    public const string Inconclusive = "inconclusive";
    public const string TooFew = "too-few";

    public const string Click = "click";
    public const string Conversion = "conversion";

    public static readonly IReadOnlyList<string> Metrics = [Click, Conversion];

    /// <summary>
    /// The leader is the variant with the highest rate (ties: more successes, then the plan's order).
    /// It wins when every variant has at least <paramref name="minSample"/> sent and the leader's rate
    /// is higher than each other variant's by a one-sided two-proportion z-test (pooled variance) at
    /// level (1 − confidence) ÷ (variants − 1) — Bonferroni, so that picking among several stays honest.
    /// </summary>
    public static WinnerDecision Decide(IReadOnlyList<VariantFigures> variants, string metric, int minSample, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(variants.Count, 2);
        var leader = variants.Select((v, i) => (v, i)).OrderByDescending(x => x.v.Sent == 0 ? 0 : (double)x.v.Successes / x.v.Sent)
            .ThenByDescending(x => x.v.Successes).ThenBy(x => x.i).First().v;
        var alpha = (1 - confidence) / (variants.Count - 1);
        var comparisons = variants.Where(v => v != leader).Select(v => Compare(leader, v)).ToList();
        var outcome = variants.Any(v => v.Sent < minSample) ? TooFew
            : comparisons.All(c => c.P < alpha) ? Winner
            : Inconclusive;
        return new WinnerDecision(outcome, outcome == Winner ? leader.Variant : null, leader.Variant, metric, minSample, confidence, Math.Round(alpha, 6),
            variants, comparisons);
    }

    private static VariantComparison Compare(VariantFigures a, VariantFigures b)
    {
        if (a.Sent == 0 || b.Sent == 0)
        {
            return new VariantComparison(b.Variant, 0, 1);
        }

        var p1 = (double)a.Successes / a.Sent;
        var p2 = (double)b.Successes / b.Sent;
        var pooled = (double)(a.Successes + b.Successes) / (a.Sent + b.Sent);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / a.Sent + 1.0 / b.Sent));
        if (se == 0)
        {
            // Both all or nothing: no difference to see.
            return new VariantComparison(b.Variant, 0, 1);
        }

        var z = (p1 - p2) / se;
        return new VariantComparison(b.Variant, Math.Round(z, 4), Math.Round(1 - NormalCdf(z), 6));
    }

    /// <summary>Φ(x), the standard normal distribution function (Abramowitz–Stegun 7.1.26 for erf; error below 1.5e-7).</summary>
    public static double NormalCdf(double x)
    {
        var t = Math.Abs(x) / Math.Sqrt(2);
        var k = 1 / (1 + 0.3275911 * t);
        var erf = 1 - (((((1.061405429 * k - 1.453152027) * k) + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.Exp(-t * t);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
