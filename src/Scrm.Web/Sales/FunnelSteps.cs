using Scrm.Leads.Funnel;

namespace Scrm.Web.Sales;

/// <summary>One bar of the funnel: how many leads reached the stage, and what share of the stage before went on to it.</summary>
public sealed record FunnelStep(LeadStage Stage, int Reached, int? ConversionPercent);

/// <summary>
/// A rep's funnel from their leads' current stages: a lead at opportunity has also reached lead and
/// prospect; a lost or disqualified lead counts as a lead that went no further. Pure.
/// </summary>
internal static class FunnelSteps
{
    public static readonly IReadOnlyList<LeadStage> Path = [LeadStage.Lead, LeadStage.Prospect, LeadStage.Opportunity, LeadStage.Won];

    public static IReadOnlyList<FunnelStep> From(IEnumerable<LeadStage> stages)
    {
        var reached = new int[Path.Count];
        foreach (var stage in stages)
        {
            var index = stage switch
            {
                LeadStage.Prospect => 1,
                LeadStage.Opportunity => 2,
                LeadStage.Won => 3,
                _ => 0,
            };
            for (var i = 0; i <= index; i++)
            {
                reached[i]++;
            }
        }

        return [.. Path.Select((stage, i) => new FunnelStep(stage, reached[i],
            i == 0 || reached[i - 1] == 0 ? null : (int)Math.Round(100.0 * reached[i] / reached[i - 1], MidpointRounding.AwayFromZero)))];
    }
}
