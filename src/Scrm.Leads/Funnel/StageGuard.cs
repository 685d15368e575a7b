namespace Scrm.Leads.Funnel;

/// <summary>Where a lead is in the sales funnel.</summary>
public enum LeadStage
{
    Lead,
    Prospect,
    Opportunity,
    Won,
    Lost,
    Disqualified,
}

/// <summary>The facts about a lead that stage changes are guarded by.</summary>
public sealed record LeadProgress(
    LeadStage Stage,
    int ContactAttempts,
    bool NeedRecorded,
    decimal? Amount,
    DateOnly? ExpectedClose,
    decimal PaidAmount);

/// <summary>
/// Stage changes are earned, not picked: each move names the conditions it needs, and a refused
/// move lists every condition still unmet. Stages are not skipped; won, lost and disqualified end
/// the lead.
/// </summary>
public static class StageGuard
{
    public static IReadOnlyList<string> Unmet(LeadProgress lead, LeadStage target, string? reason, IReadOnlySet<string> lossReasons)
    {
        var unmet = new List<string>();
        if (lead.Stage == target)
        {
            unmet.Add($"the lead is already at stage {target}");
            return unmet;
        }

        if (lead.Stage is LeadStage.Won or LeadStage.Lost or LeadStage.Disqualified)
        {
            unmet.Add($"a {lead.Stage} lead is closed; it cannot move to {target}");
            return unmet;
        }

        switch (target)
        {
            case LeadStage.Lead:
                unmet.Add("a lead cannot move back to stage Lead");
                break;
            case LeadStage.Prospect:
                RequireFrom(lead, LeadStage.Lead, target, unmet);
                if (lead.ContactAttempts == 0)
                {
                    unmet.Add("record at least one contact attempt");
                }

                if (!lead.NeedRecorded)
                {
                    unmet.Add("record the customer's need");
                }

                break;
            case LeadStage.Opportunity:
                RequireFrom(lead, LeadStage.Prospect, target, unmet);
                if (lead.Amount is not > 0)
                {
                    unmet.Add("record the expected amount");
                }

                if (lead.ExpectedClose is null)
                {
                    unmet.Add("record the expected close date");
                }

                break;
            case LeadStage.Won:
                RequireFrom(lead, LeadStage.Opportunity, target, unmet);
                if (lead.PaidAmount <= 0)
                {
                    unmet.Add("record a payment");
                }

                break;
            case LeadStage.Lost:
            case LeadStage.Disqualified:
                if (string.IsNullOrWhiteSpace(reason))
                {
                    unmet.Add($"give a reason ({string.Join(", ", lossReasons.Order(StringComparer.Ordinal))})");
                }
                else if (!lossReasons.Contains(reason))
                {
                    unmet.Add($"'{reason}' is not one of the configured reasons ({string.Join(", ", lossReasons.Order(StringComparer.Ordinal))})");
                }

                break;
        }

        return unmet;
    }

    private static void RequireFrom(LeadProgress lead, LeadStage from, LeadStage target, List<string> unmet)
    {
        if (lead.Stage != from)
        {
            unmet.Add($"{target} follows {from}; the lead is at {lead.Stage}");
        }
    }
}
