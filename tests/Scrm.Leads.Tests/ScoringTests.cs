using System.Text.Json.Nodes;
using Scrm.Customers.Value;
using Scrm.Leads.Scoring;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

/// <summary>The lead score's weights against the customer model's tier codes and the intent lexicon.</summary>
public sealed class ScoringTests
{
    private static readonly ScoringWeights Weights = new();

    public static TheoryData<string, int> TierPoints() => new()
    {
        { Tiers.HighValue, 25 },
        { Tiers.HighContribution, 15 },
        { Tiers.General, 5 },
        { Tiers.Dormant, 0 },
    };

    [Theory]
    [MemberData(nameof(TierPoints))]
    public void Every_value_tier_the_customer_model_assigns_has_its_points(string tier, int points)
    {
        Weights.ValueTier.ShouldContainKey(tier);
        var (score, _, _) = LeadScore.Compute(new LeadSignals("web", false, false, false, tier, 0, false), Weights);
        score.ShouldBe(Weights.Channel["web"] + points);
    }

    [Fact]
    public void The_weights_cover_exactly_the_pyramid_tiers() =>
        Weights.ValueTier.Keys.Order(StringComparer.Ordinal).ShouldBe(Tiers.Pyramid.Order(StringComparer.Ordinal));

    public static TheoryData<string, bool> Messages() => new()
    {
        { "需要采购100个席位，请报价", true },
        { "请问企业版怎么收费？", true },
        { "想约个产品演示", true },
        { "Could you send a QUOTE for 50 seats?", true },
        { "你们的客服态度太差了", false },
        { "thanks for the webinar", false },
        { "", false },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Purchase_intent_in_what_the_customer_wrote_adds_its_points(string message, bool intent)
    {
        LeadScore.ShowsIntent(message, Weights).ShouldBe(intent);
        var (score, hot, breakdown) = LeadScore.Compute(new LeadSignals("web", true, false, true, null, 0, LeadScore.ShowsIntent(message, Weights)), Weights);
        score.ShouldBe(40 + (intent ? Weights.BuyingIntent : 0));
        hot.ShouldBe(intent);
        breakdown.Any(b => b.StartsWith("buying intent", StringComparison.Ordinal)).ShouldBe(intent);
    }

    [Fact]
    public void Every_intent_word_of_the_shipped_lead_workflow_also_scores()
    {
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "workflows", "definitions", "lead-conversion.json")))!;
        var words = definition["variables"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "intentWords")!["value"]!.AsArray()
            .Select(w => w!.GetValue<string>()).ToList();
        words.ShouldNotBeEmpty();
        words.ShouldAllBe(w => Weights.IntentWords.Contains(w));
    }
}
