using Scrm.Leads.Attribution;
using Scrm.Leads.Funnel;
using Scrm.Platform.Text;

namespace Scrm.Leads.Tests;

/// <summary>The funnel guard's edges and the channel report on a handful of leads whose every figure is worked out by hand.</summary>
public sealed class HandWorkedRuleTests
{
    private static readonly List<TermOptions> Reasons = [new() { Name = "预算不足", Aliases = ["no budget"] }];

    [Theory]
    [InlineData(0)]
    [InlineData(-500)]
    public void An_opportunity_needs_an_expected_amount_above_zero(int amount)
    {
        var prospect = new LeadProgress(LeadStage.Prospect, 1, true, amount, new DateOnly(2027, 1, 1), 0);

        StageGuard.Unmet(prospect, LeadStage.Opportunity, null, Reasons, Languages.English).ShouldBe(["record the expected amount"]);
    }

    [Theory]
    [InlineData(LeadStage.Prospect)]
    [InlineData(LeadStage.Opportunity)]
    [InlineData(LeadStage.Won)]
    [InlineData(LeadStage.Lost)]
    public void A_disqualified_lead_is_closed_and_moves_nowhere(LeadStage target)
    {
        var disqualified = new LeadProgress(LeadStage.Disqualified, 3, true, 5000m, new DateOnly(2027, 1, 1), 100m);

        StageGuard.Unmet(disqualified, target, "no budget", Reasons, Languages.English)
            .ShouldBe([$"a disqualified lead is closed; it cannot move to {LeadStages.Wire(target)}"]);
    }

    [Fact]
    public void The_channel_report_gives_the_figures_worked_out_by_hand()
    {
        var china = TimeSpan.FromHours(8);
        DateTimeOffset At(int month, int day, int hour, int minute = 0, int second = 0) => new(2026, month, day, hour, minute, second, china);
        var from = At(11, 1, 0);
        var to = At(11, 8, 0);
        // T+1 ends 11-09 00:00, T+2 ends 11-10 00:00 (China time).
        var leads = new List<ReportLead>
        {
            // web, won: 600 paid on T (counts for T+1 and T+2), 900 on T+1 (T+2 only), 5000 at the very end of T+2 (neither).
            new("web", At(11, 2, 10), LeadStage.Won, [(At(11, 8, 12), 600m), (At(11, 9, 12), 900m), (At(11, 10, 0), 5000m)]),
            // web, reached opportunity one second before the period ends.
            new("web", At(11, 7, 23, 59, 59), LeadStage.Opportunity, []),
            // web, never left stage lead.
            new("web", At(11, 3, 9), LeadStage.Lead, []),
            // web, reached prospect at the first instant of the period.
            new("web", from, LeadStage.Prospect, []),
            // web, made when the period has ended and a second before it began: not counted, nor their payments.
            new("web", to, LeadStage.Won, [(At(11, 8, 1), 10_000m)]),
            new("web", At(10, 31, 23, 59, 59), LeadStage.Won, [(At(11, 2, 1), 20_000m)]),
            // weibo, won with no cost recorded: revenue but no ROI.
            new("weibo", At(11, 5, 15), LeadStage.Won, [(At(11, 6, 8), 300m)]),
        };
        var costs = new Dictionary<string, decimal> { ["web"] = 1000m, ["ads"] = 250m };

        var report = ChannelReport.Build(leads, costs, from, to);

        report.ShouldBe(
        [
            // ads: cost only. ROI = (0 − 250) / 250.
            new ChannelLine("ads", 0, 0, 0, 0, 0, 0, 0, 250m, 0m, 0m, -1, -1),
            // web: 4 leads; 3 reached prospect, 2 opportunity, 1 won: 3/4, 2/3, 1/2.
            // T+1 revenue 600: (600 − 1000) / 1000 = −0.4. T+2 revenue 1500: (1500 − 1000) / 1000 = 0.5.
            new ChannelLine("web", 4, 3, 2, 1, 0.75, 0.6667, 0.5, 1000m, 600m, 1500m, -0.4, 0.5),
            new ChannelLine("weibo", 1, 1, 1, 1, 1, 1, 1, 0m, 300m, 300m, null, null),
        ]);
    }
}
