using Scrm.Customers.Value;
using Scrm.Leads.Attribution;
using Scrm.Leads.Funnel;
using Scrm.Leads.Scoring;
using Scrm.Platform.Text;

namespace Scrm.Leads.Tests;

/// <summary>
/// Edges of the funnel rules that the other tests leave open: moving a lead backwards, every refusal
/// as a Chinese reader sees it, a payment at the very first instant of T+1's end, and each channel
/// weight and intent word of the lead score.
/// </summary>
public sealed class FunnelEdgeTests
{
    private static readonly List<TermOptions> Reasons = [new() { Name = "预算不足", Aliases = ["no budget"] }, new() { Name = "无效信息", Aliases = ["spam"] }];

    [Fact]
    public void A_lead_never_moves_backwards_to_prospect_or_skips_opportunity_on_its_way_to_won()
    {
        var opportunity = new LeadProgress(LeadStage.Opportunity, 2, true, 5000m, new DateOnly(2027, 1, 1), 0);
        var paidProspect = new LeadProgress(LeadStage.Prospect, 2, true, 5000m, new DateOnly(2027, 1, 1), 100m);

        StageGuard.Unmet(opportunity, LeadStage.Prospect, null, Reasons, Languages.English)
            .ShouldBe(["prospect follows lead; the lead is at opportunity"]);
        StageGuard.Unmet(paidProspect, LeadStage.Won, null, Reasons, Languages.English)
            .ShouldBe(["won follows opportunity; the lead is at prospect"]);
    }

    public static TheoryData<LeadProgress, LeadStage, string?, string[]> ChineseCases() => new()
    {
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Prospect, null, ["线索已处于意向阶段"] },
        { new(LeadStage.Won, 1, true, 1m, new DateOnly(2027, 1, 1), 1m), LeadStage.Lost, "spam", ["赢单的线索已关闭，不能再转到输单"] },
        { new(LeadStage.Lost, 1, true, null, null, 0), LeadStage.Won, null, ["输单的线索已关闭，不能再转到赢单"] },
        { new(LeadStage.Disqualified, 1, true, null, null, 0), LeadStage.Opportunity, null, ["无效的线索已关闭，不能再转到商机"] },
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Lead, null, ["线索不能退回线索阶段"] },
        { new(LeadStage.Lead, 1, true, null, null, 0), LeadStage.Opportunity, null, ["商机须在意向之后；线索现处于线索", "记录预计金额", "记录预计成交日期"] },
        { new(LeadStage.Opportunity, 1, true, 1m, new DateOnly(2027, 1, 1), 0), LeadStage.Won, null, ["记录一笔回款"] },
        { new(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Disqualified, "bored", ["“bored”不是已配置的原因（预算不足、无效信息）"] },
    };

    [Theory]
    [MemberData(nameof(ChineseCases))]
    public void Every_refusal_reads_in_chinese_with_the_stages_chinese_names(LeadProgress lead, LeadStage target, string? reason, string[] unmet) =>
        StageGuard.Unmet(lead, target, reason, Reasons).ShouldBe(unmet);

    [Theory]
    [InlineData(LeadStage.Lead, "线索", "lead")]
    [InlineData(LeadStage.Prospect, "意向", "prospect")]
    [InlineData(LeadStage.Opportunity, "商机", "opportunity")]
    [InlineData(LeadStage.Won, "赢单", "won")]
    [InlineData(LeadStage.Lost, "输单", "lost")]
    [InlineData(LeadStage.Disqualified, "无效", "disqualified")]
    public void Each_stage_has_a_chinese_name_and_an_english_wire_name(LeadStage stage, string chinese, string english)
    {
        LeadStages.Show(stage, Languages.Chinese).ShouldBe(chinese);
        LeadStages.Show(stage, Languages.English).ShouldBe(english);
    }

    [Fact]
    public void A_payment_at_the_first_instant_after_t_plus_one_counts_for_t_plus_two_only()
    {
        var china = TimeSpan.FromHours(8);
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, china);
        var to = new DateTimeOffset(2026, 11, 8, 0, 0, 0, china);
        // T+1 ends at 11-09 00:00 China time: 100 paid one second before counts for both, 200 paid at that instant for T+2 only.
        var leads = new List<ReportLead>
        {
            new("web", from.AddHours(10), LeadStage.Won, [(to.AddDays(1).AddSeconds(-1), 100m), (to.AddDays(1), 200m)]),
        };

        var line = ChannelReport.Build(leads, new Dictionary<string, decimal> { ["web"] = 100m }, from, to).ShouldHaveSingleItem();

        (line.RevenueT1, line.RevenueT2, line.RoiT1, line.RoiT2).ShouldBe((100m, 300m, 0d, 2d));
    }

    [Theory]
    [InlineData("partner", 25)]
    [InlineData("web", 20)]
    [InlineData("api", 15)]
    [InlineData("WeCom", 15)]
    [InlineData("wechat", 10)]
    [InlineData("webhook", 5)]
    [InlineData("weibo", 5)]
    [InlineData("crawler", 3)]
    public void Each_source_channel_adds_its_own_weight(string channel, int points)
    {
        var (score, _, breakdown) = LeadScore.Compute(new LeadSignals(channel, false, false, false, Tiers.Dormant, 0, false), new ScoringWeights());

        score.ShouldBe(points);
        breakdown.ShouldBe([$"source {channel}: +{points}"]);
    }

    [Theory]
    [InlineData("价格"), InlineData("报价"), InlineData("多少钱"), InlineData("怎么收费"), InlineData("收费"), InlineData("购买"), InlineData("采购"), InlineData("试用")]
    [InlineData("演示"), InlineData("合作"), InlineData("询价"), InlineData("方案"), InlineData("下单"), InlineData("订购"), InlineData("合同"), InlineData("预算")]
    [InlineData("Price"), InlineData("QUOTE"), InlineData("pricing"), InlineData("Demo"), InlineData("trial"), InlineData("buy"), InlineData("purchase")]
    public void Each_intent_word_on_its_own_shows_buying_intent(string word)
    {
        var weights = new ScoringWeights();

        LeadScore.ShowsIntent($"你好，{word}。", weights).ShouldBeTrue();
        LeadScore.ShowsIntent("你好，想了解一下。", weights).ShouldBeFalse();
    }
}
