using Scrm.Campaigns.Sending;

namespace Scrm.Campaigns.Tests;

/// <summary>The A/B winner rule on figures worked by hand: pooled two-proportion z-test, one-sided, Bonferroni over the other variants.</summary>
public sealed class WinnerRuleTests
{
    public sealed record Case(string Name, (string Variant, int Sent, int Successes)[] Variants, int MinSample, double Confidence,
        string Outcome, string Leader, double? FirstZ);

    public static TheoryData<Case> Cases() =>
    [
        // Pooled 40/200 = 0.2; se = √(0.2·0.8·(1/100+1/100)) = 0.056569; z = (0.3−0.1)/se = 3.5355; p = 0.0002 < 0.05.
        new Case("clear winner", [("A", 100, 30), ("B", 100, 10)], 100, 0.95, WinnerRule.Winner, "A", 3.5355),
        // Pooled 0.11; se = 0.044249; z = 0.02/se = 0.452; p = 0.33.
        new Case("too close", [("A", 100, 12), ("B", 100, 10)], 100, 0.95, WinnerRule.Inconclusive, "A", 0.452),
        // A clear difference, but A has 99 sent of the 100 asked.
        new Case("below the minimum sample", [("A", 99, 30), ("B", 100, 10)], 100, 0.95, WinnerRule.TooFew, "A", 3.5734),
        // The leader need not come first: B 30 % over A 10 %.
        new Case("second variant leads", [("A", 100, 10), ("B", 100, 30)], 100, 0.95, WinnerRule.Winner, "B", 3.5355),
        // A vs B: pooled 0.3, se = 0.064807, z = 3.0861, p = 0.0010; A vs C: pooled 0.25, se = 0.061237, z = 4.899. α = 0.05/2 = 0.025.
        new Case("three variants, one clear", [("A", 100, 40), ("B", 100, 20), ("C", 100, 10)], 100, 0.95, WinnerRule.Winner, "A", 3.0861),
        // A vs B: pooled 0.275, se = 0.063147, z = 0.7918, p = 0.21.
        new Case("three variants, two close", [("A", 100, 30), ("B", 100, 25), ("C", 100, 10)], 100, 0.95, WinnerRule.Inconclusive, "A", 0.7918),
        // Pooled 0.26, se = 0.062032, z = 1.9345, p = 0.0265: a winner at α = 0.05 with two variants ...
        new Case("two variants at p 0.027", [("A", 100, 32), ("B", 100, 20)], 100, 0.95, WinnerRule.Winner, "A", 1.9345),
        // ... but not at α = 0.025 once a third variant is compared too (Bonferroni).
        new Case("three variants at p 0.027", [("A", 100, 32), ("B", 100, 20), ("C", 100, 5)], 100, 0.95, WinnerRule.Inconclusive, "A", 1.9345),
        // A stricter confidence: 0.99 needs p < 0.01.
        new Case("not at 99 %", [("A", 100, 32), ("B", 100, 20)], 100, 0.99, WinnerRule.Inconclusive, "A", 1.9345),
        // Nobody clicked: no variance, no winner; the plan's first variant leads.
        new Case("nothing at all", [("A", 50, 0), ("B", 50, 0)], 10, 0.95, WinnerRule.Inconclusive, "A", 0),
        // Equal rates: more successes lead (B has more sent at the same rate).
        new Case("equal rates", [("A", 100, 20), ("B", 200, 40)], 10, 0.95, WinnerRule.Inconclusive, "B", 0),
        new Case("nothing sent", [("A", 0, 0), ("B", 0, 0)], 1, 0.95, WinnerRule.TooFew, "A", 0),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_rule_decides_as_worked_by_hand(Case c)
    {
        var decision = WinnerRule.Decide([.. c.Variants.Select(v => new VariantFigures(v.Variant, v.Sent, v.Successes))], WinnerRule.Click, c.MinSample, c.Confidence);
        decision.Outcome.ShouldBe(c.Outcome, c.Name);
        decision.Leader.ShouldBe(c.Leader, c.Name);
        decision.Winner.ShouldBe(c.Outcome == WinnerRule.Winner ? c.Leader : null, c.Name);
        decision.Comparisons.Count.ShouldBe(c.Variants.Length - 1);
        decision.Comparisons.ShouldNotContain(x => x.Variant == c.Leader);
        if (c.FirstZ is { } z)
        {
            decision.Comparisons[0].Z.ShouldBe(z, 0.001, c.Name);
        }

        decision.Alpha.ShouldBe(Math.Round((1 - c.Confidence) / (c.Variants.Length - 1), 6));
        decision.Comparisons.ShouldAllBe(x => x.P >= 0 && x.P <= 1);
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1.959964, 0.975)]
    [InlineData(-1.644854, 0.05)]
    [InlineData(2.326348, 0.99)]
    [InlineData(3.090232, 0.999)]
    public void The_normal_distribution_function_matches_the_table(double x, double expected) =>
        WinnerRule.NormalCdf(x).ShouldBe(expected, 1e-6);

    [Fact]
    public void A_test_share_keeps_the_rest_for_the_winner_and_the_holdout_apart()
    {
        var plan = new CampaignPlan([new ChannelPlan("sms", "gateway", "x")], null, [new VariantPlan("A", 1), new VariantPlan("B", 1)], 10,
            Test: new AbTestPlan(40, WinnerRule.Click, 24));
        var campaign = Guid.CreateVersion7();
        var groups = Enumerable.Range(0, 10_000).Select(_ => Split.Assign(campaign, Guid.CreateVersion7(), plan)).GroupBy(g => g!).ToDictionary(g => g.Key, g => g.Count());
        // Holdout 10 %; of the other 90 %, 40 % in the test (36 % of all: 18 % each) and 54 % waiting for the winner.
        groups[Split.Holdout].ShouldBeInRange(850, 1_150);
        groups["A"].ShouldBeInRange(1_600, 2_000);
        groups["B"].ShouldBeInRange(1_600, 2_000);
        groups[Split.Rest].ShouldBeInRange(5_100, 5_700);
    }
}
