using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Scrm.Leads.Api;
using Scrm.Leads.Funnel;
using Scrm.Web.Sales;
using Scrm.Web.Shell;

namespace Scrm.Web.Tests.Components;

public sealed class GuardHintTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    private static LeadDetail Lead(LeadStage stage, int contacts = 0, string? need = null, decimal? amount = null, DateOnly? close = null, decimal paid = 0) =>
        new(1, stage, stage, "rep", "east", false, false, 10, null, null, "韩梅梅", null, null, "示例科技", null, null, need, amount, close, paid, null, contacts,
            null, null, null, new LeadSource("web", "contact", null, null, null, null, null, At, At, 1), [], [], [], [], []);

    [Fact]
    public void A_new_lead_shows_what_each_forward_move_still_needs_from_the_leads_guard()
    {
        var options = GuardHints.For(Lead(LeadStage.Lead), Terms.DefaultLossReasons(), "zh-CN");

        options.Select(o => o.Target).ShouldBe([LeadStage.Prospect, LeadStage.Opportunity, LeadStage.Won]);
        options[0].Unmet.ShouldBe(["至少记录一次联系", "记录客户需求"]);
        options[1].Unmet.ShouldContain("记录预计金额");
        options[1].Unmet.ShouldContain("记录预计成交日期");
        options.ShouldAllBe(o => !o.Open);
    }

    [Fact]
    public void A_contacted_lead_with_a_need_may_become_a_prospect_and_is_told_what_opportunity_needs()
    {
        var options = GuardHints.For(Lead(LeadStage.Lead, contacts: 1, need: "20 台设备"), Terms.DefaultLossReasons(), "zh-CN");
        options[0].Open.ShouldBeTrue();

        var prospect = GuardHints.For(Lead(LeadStage.Prospect, contacts: 1, need: "20 台设备", amount: 50_000), Terms.DefaultLossReasons(), "en");
        prospect.Select(o => o.Target).ShouldBe([LeadStage.Opportunity, LeadStage.Won]);
        prospect[0].Unmet.ShouldBe(["record the expected close date"]);
    }

    [Fact]
    public void A_closed_lead_offers_no_move()
    {
        GuardHints.For(Lead(LeadStage.Won, paid: 10), Terms.DefaultLossReasons(), "zh-CN").ShouldBeEmpty();
    }

    [Fact]
    public void The_stage_buttons_are_disabled_with_their_unmet_conditions_listed_before_the_click()
    {
        using var context = new BunitContext();
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        var moved = new List<LeadStage>();
        var options = GuardHints.For(Lead(LeadStage.Lead, contacts: 1, need: "20 台设备"), Terms.DefaultLossReasons(), "zh-CN");

        var actions = context.Render<StageActions>(p => p
            .AddCascadingValue(Ui.Chinese)
            .Add(c => c.Options, options)
            .Add(c => c.OnMove, (LeadStage s) => moved.Add(s)));

        var prospect = actions.Find("[data-stage=prospect] button");
        prospect.HasAttribute("disabled").ShouldBeFalse();
        prospect.TextContent.Trim().ShouldBe("转为意向");
        actions.FindAll("[data-stage=prospect] li").ShouldBeEmpty();

        var opportunity = actions.Find("[data-stage=opportunity] button");
        opportunity.HasAttribute("disabled").ShouldBeTrue();
        opportunity.GetAttribute("aria-describedby").ShouldBe("unmet-opportunity");
        actions.FindAll("#unmet-opportunity li").Select(li => li.TextContent).ShouldBe(
            StageGuard.Unmet(GuardHints.Progress(Lead(LeadStage.Lead, contacts: 1, need: "x")), LeadStage.Opportunity, null, Terms.DefaultLossReasons()));
        actions.Find("#unmet-opportunity ul").GetAttribute("aria-label").ShouldBe("转为商机还需：");

        prospect.Click();
        moved.ShouldBe([LeadStage.Prospect]);
    }
}
