using Scrm.Leads.Api;
using Scrm.Leads.Funnel;

namespace Scrm.Web.Sales;

/// <summary>One stage a lead may be moved to and what is still missing for it (empty: the move is open).</summary>
public sealed record StageOption(LeadStage Target, IReadOnlyList<string> Unmet)
{
    public bool Open => Unmet.Count == 0;
}

/// <summary>
/// The unmet conditions of each forward move, shown before the click: the Leads module's own
/// <see cref="StageGuard"/> over the lead as the rep sees it. Lost and disqualified need a reason
/// chosen in the dialog, so only their other conditions count here.
/// </summary>
internal static class GuardHints
{
    public static readonly IReadOnlyList<LeadStage> Forward = [LeadStage.Prospect, LeadStage.Opportunity, LeadStage.Won];

    public static LeadProgress Progress(LeadDetail lead) =>
        new(lead.Stage, lead.ContactAttempts, !string.IsNullOrWhiteSpace(lead.Need), lead.Amount, lead.ExpectedClose, lead.PaidAmount);

    public static IReadOnlyList<StageOption> For(LeadDetail lead, IReadOnlyList<TermOptions> lossReasons, string language)
    {
        if (lead.Stage is LeadStage.Won or LeadStage.Lost or LeadStage.Disqualified)
        {
            return [];
        }

        var progress = Progress(lead);
        return [.. Forward.Where(t => t > lead.Stage).Select(t => new StageOption(t, StageGuard.Unmet(progress, t, null, lossReasons, language)))];
    }
}
