using Scrm.Leads.Api;

namespace Scrm.Web.Sales;

/// <summary>What needs the rep now comes first: hot leads, then the earliest follow-up due (none due last), then the newest.</summary>
internal static class QueueOrder
{
    public static IReadOnlyList<LeadSummary> Sort(IEnumerable<LeadSummary> leads) =>
        [.. leads.OrderByDescending(l => l.Hot)
            .ThenBy(l => l.NextFollowUp ?? DateTimeOffset.MaxValue)
            .ThenByDescending(l => l.CreatedAt)
            .ThenByDescending(l => l.Id)];
}
