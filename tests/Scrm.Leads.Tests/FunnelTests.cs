using Scrm.Leads.Funnel;

namespace Scrm.Leads.Tests;

public sealed class FunnelTests
{
    private static readonly HashSet<string> Reasons = ["no budget", "spam"];

    public static TheoryData<LeadProgress, LeadStage, string?, string[]> Cases() => new()
    {
        { new(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Prospect, null, ["record at least one contact attempt", "record the customer's need"] },
        { new(LeadStage.Lead, 1, false, null, null, 0), LeadStage.Prospect, null, ["record the customer's need"] },
        { new(LeadStage.Lead, 1, true, null, null, 0), LeadStage.Prospect, null, [] },
        { new(LeadStage.Lead, 1, true, 100m, new DateOnly(2027, 1, 1), 0), LeadStage.Opportunity, null, ["Opportunity follows Prospect; the lead is at Lead"] },
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Opportunity, null, ["record the expected amount", "record the expected close date"] },
        { new(LeadStage.Prospect, 1, true, 5000m, new DateOnly(2027, 1, 1), 0), LeadStage.Opportunity, null, [] },
        { new(LeadStage.Opportunity, 1, true, 5000m, new DateOnly(2027, 1, 1), 0), LeadStage.Won, null, ["record a payment"] },
        { new(LeadStage.Opportunity, 1, true, 5000m, new DateOnly(2027, 1, 1), 10m), LeadStage.Won, null, [] },
        { new(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Lost, null, ["give a reason (no budget, spam)"] },
        { new(LeadStage.Lead, 0, false, null, null, 0), LeadStage.Disqualified, "bored", ["'bored' is not one of the configured reasons (no budget, spam)"] },
        { new(LeadStage.Prospect, 0, false, null, null, 0), LeadStage.Lost, "no budget", [] },
        { new(LeadStage.Won, 1, true, 1m, new DateOnly(2027, 1, 1), 1m), LeadStage.Lost, "spam", ["a Won lead is closed; it cannot move to Lost"] },
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Lead, null, ["a lead cannot move back to stage Lead"] },
        { new(LeadStage.Prospect, 1, true, null, null, 0), LeadStage.Prospect, null, ["the lead is already at stage Prospect"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stage_changes_list_every_unmet_condition(LeadProgress lead, LeadStage target, string? reason, string[] unmet) =>
        StageGuard.Unmet(lead, target, reason, Reasons).ShouldBe(unmet);
}
