using Scrm.Campaigns.Sending;

namespace Scrm.Campaigns.Tests;

public sealed class SplitTests
{
    private static readonly ChannelPlan Sms = new("sms", "gateway", Text: "你好");

    private static CampaignPlan Plan(int holdout, params (string Name, int Weight)[] variants) =>
        new([Sms], null, variants.Length == 0 ? null : [.. variants.Select(v => new VariantPlan(v.Name, v.Weight))], holdout);

    /// <summary>Customer ids as the product makes them (version 7: time-ordered, so neighbours share most bytes).</summary>
    private static List<Guid> Customers(int count, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return [.. Enumerable.Range(0, count).Select(i => Guid.CreateVersion7(start.AddMilliseconds(i * 3 + random.Next(3))))];
    }

    [Fact]
    public void Variants_and_holdout_get_their_shares_of_a_few_thousand_customers_within_tolerance_and_a_rerun_assigns_the_same()
    {
        var campaign = Guid.Parse("0193a5b0-0000-7000-8000-000000000017");
        var plan = Plan(10, ("A", 1), ("B", 1), ("C", 2));
        var customers = Customers(6_000, 17);

        var first = customers.ToDictionary(c => c, c => Split.Assign(campaign, c, plan));
        var shares = first.Values.GroupBy(v => v!).ToDictionary(g => g.Key, g => (double)g.Count() / customers.Count);
        // Expected: holdout 10 %, then A, B and C split the other 90 % as 1 : 1 : 2. Tolerance 2.5 points (over 4 standard deviations at n = 6,000).
        shares.Keys.Order().ShouldBe(["A", "B", "C", "holdout"]);
        shares["holdout"].ShouldBe(0.10, 0.025);
        shares["A"].ShouldBe(0.225, 0.025);
        shares["B"].ShouldBe(0.225, 0.025);
        shares["C"].ShouldBe(0.45, 0.025);

        // A rerun (another process, another order) assigns everyone the same.
        foreach (var c in Enumerable.Reverse(customers))
        {
            Split.Assign(campaign, c, plan).ShouldBe(first[c]);
        }

        // Another campaign splits the same customers independently: about a quarter of A stays in A.
        var other = Guid.Parse("0193a5b0-0000-7000-8000-000000000018");
        var inA = first.Where(p => p.Value == "A").Select(p => p.Key).ToList();
        ((double)inA.Count(c => Split.Assign(other, c, plan) == "A") / inA.Count).ShouldBe(0.225, 0.05);
    }

    [Fact]
    public void Without_variants_everyone_gets_the_campaign_itself_and_only_the_holdout_is_kept_back()
    {
        var campaign = Guid.Parse("0193a5b0-0000-7000-8000-000000000019");
        var customers = Customers(3_000, 19);
        customers.ShouldAllBe(c => Split.Assign(campaign, c, Plan(0)) == null);
        var held = customers.Count(c => Split.Assign(campaign, c, Plan(20)) == Split.Holdout);
        ((double)held / customers.Count).ShouldBe(0.20, 0.03);
        customers.Where(c => Split.Assign(campaign, c, Plan(20)) != Split.Holdout).ShouldAllBe(c => Split.Assign(campaign, c, Plan(20)) == null);
    }

    [Fact]
    public void A_variant_sends_its_own_channels_and_content_or_the_campaigns_when_it_has_none()
    {
        var own = new ChannelPlan("email", "news", Text: "B 版", Subject: "B");
        var plan = new CampaignPlan([Sms], null, [new VariantPlan("A", 1), new VariantPlan("B", 1, [own])], 0);
        Split.ChannelsOf(plan, "A").ShouldBe([Sms]);
        Split.ChannelsOf(plan, "B").ShouldBe([own]);
        Split.ChannelsOf(plan, null).ShouldBe([Sms]);
    }

    public static TheoryData<string, CampaignPlan, string[]> BadSplits => new()
    {
        { "holdout over 50", Plan(51, ("A", 1), ("B", 1)), ["holdout"] },
        { "negative holdout", Plan(-1), ["holdout"] },
        { "one variant", Plan(0, ("A", 1)), ["variants"] },
        { "six variants", Plan(0, ("A", 1), ("B", 1), ("C", 1), ("D", 1), ("E", 1), ("F", 1)), ["variants"] },
        { "duplicate name", Plan(0, ("A", 1), ("A", 1)), ["variants[1].name"] },
        { "holdout as a name", Plan(0, ("A", 1), ("holdout", 1)), ["variants[1].name"] },
        { "name with a space", Plan(0, ("A", 1), ("版本 B", 1)), ["variants[1].name"] },
        { "zero weight", Plan(0, ("A", 0), ("B", 1)), ["variants[0].weight"] },
        { "bad variant channel", new CampaignPlan([Sms], null, [new VariantPlan("A", 1), new VariantPlan("B", 1, [new ChannelPlan("fax", "x", Text: "hi")])], 0), ["variants[1].channels[0].channel"] },
        { "empty variant channels", new CampaignPlan([Sms], null, [new VariantPlan("A", 1), new VariantPlan("B", 1, [])], 0), ["variants[1].channels"] },
    };

    [Theory]
    [MemberData(nameof(BadSplits))]
    public void A_bad_split_is_refused_naming_the_field(string why, CampaignPlan plan, string[] paths) =>
        PlanRules.Check(plan).Select(p => p.Path).Distinct().Order().ShouldBe(paths.Order(), why);
}
