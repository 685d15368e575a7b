using Scrm.Leads.Funnel;

namespace Scrm.Leads.Attribution;

/// <summary>One lead as the channel report counts it.</summary>
/// <param name="Reached">Furthest stage reached on the way to won (lost and disqualified leads keep the furthest stage they had reached).</param>
internal sealed record ReportLead(string Channel, DateTimeOffset CreatedAt, LeadStage Reached, IReadOnlyList<(DateTimeOffset PaidAt, decimal Amount)> Payments);

/// <summary>One channel's line: leads, conversion per stage, revenue and ROI as known on T+1 and T+2.</summary>
internal sealed record ChannelLine(
    string Channel,
    int Leads,
    int Prospects,
    int Opportunities,
    int Won,
    double LeadToProspect,
    double ProspectToOpportunity,
    double OpportunityToWon,
    decimal Cost,
    decimal RevenueT1,
    decimal RevenueT2,
    double? RoiT1,
    double? RoiT2);

/// <summary>
/// The channel ROI report for leads created in [from, to): revenue counts payments made by the end
/// of day T+1 and T+2 after the period (the day the report is read), ROI = (revenue − cost) / cost.
/// </summary>
internal static class ChannelReport
{
    public static IReadOnlyList<ChannelLine> Build(IEnumerable<ReportLead> leads, IReadOnlyDictionary<string, decimal> costs, DateTimeOffset from, DateTimeOffset to)
    {
        var t1 = to.AddDays(1);
        var t2 = to.AddDays(2);
        var inPeriod = leads.Where(l => l.CreatedAt >= from && l.CreatedAt < to).ToList();
        var channels = inPeriod.Select(l => l.Channel).Concat(costs.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return channels.Select(channel =>
        {
            var mine = inPeriod.Where(l => l.Channel == channel).ToList();
            var prospects = mine.Count(l => Reached(l, LeadStage.Prospect));
            var opportunities = mine.Count(l => Reached(l, LeadStage.Opportunity));
            var won = mine.Count(l => l.Reached == LeadStage.Won);
            var cost = costs.GetValueOrDefault(channel);
            var revenue1 = mine.SelectMany(l => l.Payments).Where(p => p.PaidAt < t1).Sum(p => p.Amount);
            var revenue2 = mine.SelectMany(l => l.Payments).Where(p => p.PaidAt < t2).Sum(p => p.Amount);
            return new ChannelLine(channel, mine.Count, prospects, opportunities, won,
                Rate(prospects, mine.Count), Rate(opportunities, prospects), Rate(won, opportunities),
                cost, revenue1, revenue2, Roi(revenue1, cost), Roi(revenue2, cost));
        }).ToList();
    }

    private static bool Reached(ReportLead lead, LeadStage stage) => lead.Reached switch
    {
        LeadStage.Won => true,
        LeadStage.Opportunity => stage is LeadStage.Prospect or LeadStage.Opportunity,
        LeadStage.Prospect => stage is LeadStage.Prospect,
        _ => false,
    };

    private static double Rate(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    private static double? Roi(decimal revenue, decimal cost) => cost <= 0 ? null : Math.Round((double)((revenue - cost) / cost), 4);
}
