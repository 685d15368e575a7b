using Scrm.Customers.Value;
using Scrm.Leads.Scoring;

namespace Scrm.Leads.Tests;

/// <summary>The lead score on leads whose every part is added up by hand: the engagement cap, the 0–100 clamp, the hot threshold's edge and the breakdown's lines.</summary>
public sealed class LeadScoreTableTests
{
    private static readonly ScoringWeights Weights = new();

    public static TheoryData<string, int, int, bool> Engagement() => new()
    {
        // channel, interactions, expected score, hot. Source web is 20; each interaction 3, at most 15.
        { "web", 0, 20, false },
        { "web", 1, 23, false },
        { "web", 5, 35, false },
        { "web", 6, 35, false },
        { "web", -4, 20, false },
        { "nowhere", 2, 6, false },
    };

    [Theory]
    [MemberData(nameof(Engagement))]
    public void Interactions_add_three_points_each_up_to_fifteen_and_never_take_any_away(string channel, int interactions, int score, bool hot)
    {
        var (actual, isHot, _) = LeadScore.Compute(new LeadSignals(channel, false, false, false, null, interactions, false), Weights);

        (actual, isHot).ShouldBe((score, hot));
    }

    [Fact]
    public void A_lead_with_everything_scores_one_hundred_at_most_and_each_part_is_explained()
    {
        // partner 25 + phone 10 + e-mail 5 + company 10 + high value 25 + 15 (capped from 30) + intent 20 = 110 → 100.
        var (score, hot, breakdown) = LeadScore.Compute(new LeadSignals("partner", true, true, true, Tiers.HighValue, 10, true), Weights);

        score.ShouldBe(100);
        hot.ShouldBeTrue();
        breakdown.ShouldBe([
            "source partner: +25", "phone given: +10", "e-mail given: +5", "company given: +10",
            $"value tier {Tiers.HighValue}: +25", "10 interaction(s): +15", "buying intent: +20"]);
    }

    [Fact]
    public void A_lead_is_hot_from_exactly_sixty_points()
    {
        // web 20 + phone 10 + company 10 + intent 20 = 60: hot. Without the company, 50: not hot.
        var sixty = LeadScore.Compute(new LeadSignals("web", true, false, true, null, 0, true), Weights);
        var fifty = LeadScore.Compute(new LeadSignals("web", true, false, false, null, 0, true), Weights);
        // api 15 + e-mail 5 + company 10 + high contribution 15 + 4 interactions 12 = 57, and one more interaction 60.
        var fiftySeven = LeadScore.Compute(new LeadSignals("api", false, true, true, Tiers.HighContribution, 4, false), Weights);
        var sixtyAgain = LeadScore.Compute(new LeadSignals("api", false, true, true, Tiers.HighContribution, 5, false), Weights);

        (sixty.Score, sixty.Hot).ShouldBe((60, true));
        (fifty.Score, fifty.Hot).ShouldBe((50, false));
        (fiftySeven.Score, fiftySeven.Hot).ShouldBe((57, false));
        (sixtyAgain.Score, sixtyAgain.Hot).ShouldBe((60, true));
        fifty.Breakdown.ShouldBe(["source web: +20", "phone given: +10", "buying intent: +20"]);
        fiftySeven.Breakdown.ShouldBe(["source api: +15", "e-mail given: +5", "company given: +10", $"value tier {Tiers.HighContribution}: +15", "4 interaction(s): +12"]);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("PRICING please", true)]
    [InlineData("能给个报价吗", true)]
    [InlineData("报 价", false)]
    public void Intent_words_are_found_anywhere_regardless_of_case_and_chinese_as_written(string? text, bool intent) =>
        LeadScore.ShowsIntent(text, Weights).ShouldBe(intent);
}
