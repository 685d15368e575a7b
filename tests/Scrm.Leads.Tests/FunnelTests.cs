using Scrm.Leads.Funnel;
using Scrm.Platform.Text;

namespace Scrm.Leads.Tests;

public sealed class FunnelTests
{
    private static readonly List<TermOptions> Reasons = [new() { Name = "预算不足", Aliases = ["no budget"] }, new() { Name = "无效信息", Aliases = ["spam"] }];

    public static TheoryData<LeadProgress, LeadStage, string?, string[]> Cases() => new()
    {
        { new(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Prospect, null, ["record at least one contact attempt", "record the customer's need"] },
        { new(LeadStage.Lead, 1, false, null, null, 0), LeadStage.Prospect, null, ["record the customer's need"] },
        { new(LeadStage.Lead, 1, true, null, null, 0), LeadStage.Prospect, null, [] },
        { new(LeadStage.Lead, 1, true, 100m, new DateOnly(2027, 1, 1), 0), LeadStage.Opportunity, null, ["opportunity follows prospect; the lead is at lead"] },
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Opportunity, null, ["record the expected amount", "record the expected close date"] },
        { new(LeadStage.Prospect, 1, true, 5000m, new DateOnly(2027, 1, 1), 0), LeadStage.Opportunity, null, [] },
        { new(LeadStage.Opportunity, 1, true, 5000m, new DateOnly(2027, 1, 1), 0), LeadStage.Won, null, ["record a payment"] },
        { new(LeadStage.Opportunity, 1, true, 5000m, new DateOnly(2027, 1, 1), 10m), LeadStage.Won, null, [] },
        { new(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Lost, null, ["give a reason (no budget, spam)"] },
        { new(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Disqualified, "bored", ["'bored' is not one of the configured reasons (no budget, spam)"] },
        { new(LeadStage.Prospect, 0, false, null, null, 0), LeadStage.Lost, "no budget", [] },
        { new(LeadStage.Won, 1, true, 1m, new DateOnly(2027, 1, 1), 1m), LeadStage.Lost, "spam", ["a won lead is closed; it cannot move to lost"] },
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Lead, null, ["a lead cannot move back to stage lead"] },
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Prospect, null, ["the lead is already at stage prospect"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stage_changes_list_every_unmet_condition(LeadProgress lead, LeadStage target, string? reason, string[] unmet) =>
        StageGuard.Unmet(lead, target, reason, Reasons, Languages.English).ShouldBe(unmet);

    [Fact]
    public void Loss_reasons_are_Chinese_first_and_take_their_English_names_as_aliases()
    {
        var lead = new LeadProgress(LeadStage.Prospect, 1, true, null, null, 0);
        StageGuard.Unmet(lead, LeadStage.Lost, "预算不足", Reasons).ShouldBeEmpty();
        StageGuard.Unmet(lead, LeadStage.Lost, "No Budget", Reasons).ShouldBeEmpty();
        StageGuard.Unmet(lead, LeadStage.Lost, null, Reasons).ShouldBe(["请给出原因（预算不足、无效信息）"]);
        StageGuard.Unmet(new LeadProgress(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Prospect, null, Reasons).ShouldBe(["至少记录一次联系", "记录客户需求"]);
        Terms.Find(Terms.DefaultLossReasons(), "预算不足").ShouldBe("预算不足");
        Terms.Find(Terms.DefaultLossReasons(), " no budget ").ShouldBe("预算不足");
        Terms.Find(Terms.DefaultContactKinds(), "Phone").ShouldBe("电话");
        Terms.Find(Terms.DefaultContactKinds(), "telepathy").ShouldBeNull();
    }
}
