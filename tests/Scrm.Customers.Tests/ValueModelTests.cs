using Scrm.Customers.Value;

namespace Scrm.Customers.Tests;

public sealed class ValueModelTests
{
    private const long Day = 86_400_000;
    private static readonly long Now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void Quintiles_split_a_population_into_five_equal_scores()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        var quintiles = Quintiles.Of(values);

        quintiles.Cuts.ShouldBe([20, 40, 60, 80]);
        values.Select(v => quintiles.Score(v)).GroupBy(s => s).Select(g => g.Count()).ShouldBe([20, 20, 20, 20, 20]);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(20, 5)]
    [InlineData(21, 4)]
    [InlineData(100, 1)]
    public void Recency_scores_higher_the_more_recent(double days, int expected) =>
        Quintiles.Of(Enumerable.Range(1, 100).Select(i => (double)i).ToArray()).Score(days, lowerIsBetter: true).ShouldBe(expected);

    [Fact]
    public void An_empty_population_scores_everyone_in_the_middle() => Quintiles.Empty.Score(123).ShouldBe(3);

    private static readonly RfmCuts Cuts = new(
        new Quintiles([10, 30, 60, 120]),   // days since last order
        new Quintiles([1, 2, 4, 8]),        // orders
        new Quintiles([10_000, 50_000, 100_000, 500_000])); // cents

    public static TheoryData<string, int, long, int, string?> TierCases => new()
    {
        // case, orders, spend (cents), days since last order, tier
        { "never ordered", 0, 0, 0, null },
        { "recent, frequent, big spender", 20, 1_000_000, 2, Tiers.HighValue },
        { "big spender who rarely buys", 1, 900_000, 100, Tiers.HighContribution },
        { "small recent buyer", 1, 5_000, 5, Tiers.General },
        { "big spender silent for a year", 20, 1_000_000, 365, Tiers.Dormant },
    };

    [Theory]
    [MemberData(nameof(TierCases))]
    public void Tiers_follow_score_spend_and_recency(string name, int orders, long cents, int days, string? tier)
    {
        var score = ValueModel.Score(new ValueInput(orders, cents, orders == 0 ? null : Now - days * Day, null), Cuts, new ValueOptions(), Now);

        score.Tier.ShouldBe(tier, name);
    }

    [Fact]
    public void The_weighted_model_adds_custom_indicators_and_explains_each_contribution()
    {
        var options = new ValueOptions
        {
            Indicators =
            [
                new() { Name = "financial", Source = "monetary", Weight = 1 },
                new() { Name = "feedback", Source = "field:csat", Weight = 1, Min = 1, Max = 5 },
            ],
        };

        var score = ValueModel.Score(new ValueInput(3, 1_000_000, Now - Day, new Dictionary<string, string> { ["csat"] = "3" }), Cuts, options, Now);

        // monetary quintile 5 → 1.0; csat 3 on 1..5 → 0.5; equal weights → 75.
        score.Score.ShouldBe(75);
        score.Breakdown.Select(b => (b.Name, b.Value, b.Contribution)).ShouldBe([("financial", 100.0, 50.0), ("feedback", 50.0, 25.0)]);
    }

    public static TheoryData<string, long[], double?, long?> CycleCases => new()
    {
        { "one purchase: no cycle yet", [0], null, null },
        { "every 30 days", [0, 30 * Day, 60 * Day, 90 * Day], 30, 120 * Day },
        { "one late purchase does not move the median", [0, 30 * Day, 60 * Day, 150 * Day], 30, 180 * Day },
        { "two orders on one day count once", [0, 0 + 3600_000, 20 * Day], 20, 40 * Day },
    };

    [Theory]
    [MemberData(nameof(CycleCases))]
    public void Purchase_cycles_are_the_median_gap_and_the_reminder_is_one_cycle_after_the_last(string name, long[] times, double? cycle, long? due)
    {
        var estimate = PurchaseCycles.Estimate(times);

        estimate.CycleDays.ShouldBe(cycle, name);
        estimate.NextDueAt.ShouldBe(due, name);
    }
}
