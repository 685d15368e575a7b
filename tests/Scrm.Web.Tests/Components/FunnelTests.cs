using Bunit;
using Scrm.Leads.Funnel;
using Scrm.Web.Sales;
using Scrm.Web.Shell;

namespace Scrm.Web.Tests.Components;

public sealed class FunnelTests
{
    [Fact]
    public void A_lead_further_down_counts_for_every_stage_before_it_and_lost_ones_count_as_leads_only()
    {
        LeadStage[] stages = [LeadStage.Lead, LeadStage.Lead, LeadStage.Lost, LeadStage.Disqualified, LeadStage.Prospect, LeadStage.Prospect, LeadStage.Opportunity, LeadStage.Won];

        FunnelSteps.From(stages).ShouldBe([
            new FunnelStep(LeadStage.Lead, 8, null),
            new FunnelStep(LeadStage.Prospect, 4, 50),
            new FunnelStep(LeadStage.Opportunity, 2, 50),
            new FunnelStep(LeadStage.Won, 1, 50),
        ]);
        FunnelSteps.From([LeadStage.Prospect, LeadStage.Lead, LeadStage.Lead]).Select(s => s.ConversionPercent).ShouldBe([null, 33, 0, null]);
        FunnelSteps.From([]).ShouldAllBe(s => s.Reached == 0 && s.ConversionPercent == null);
    }

    [Fact]
    public void The_chart_draws_each_stage_as_a_share_of_the_first_and_says_the_numbers_in_words()
    {
        using var context = new BunitContext();
        var chart = context.Render<FunnelChart>(p => p
            .AddCascadingValue(Ui.Chinese)
            .Add(c => c.Steps, FunnelSteps.From([LeadStage.Lead, LeadStage.Lead, LeadStage.Prospect, LeadStage.Won])));

        var rows = chart.FindAll("li");
        rows.Select(r => r.GetAttribute("data-reached")).ShouldBe(["4", "2", "1", "1"]);
        rows.Select(r => r.QuerySelector(".scrm-funnel-bar")!.GetAttribute("style")).ShouldBe(["width: 100%", "width: 50%", "width: 25%", "width: 25%"]);
        rows[1].TextContent.ShouldContain("意向");
        rows[1].QuerySelector(".scrm-funnel-figure")!.TextContent.ShouldBe("2（转化 50%）");
        rows[0].QuerySelector(".scrm-funnel-figure")!.TextContent.ShouldBe("4");
    }
}
