using Scrm.Platform.Security;

namespace Scrm.Leads.Routing;

/// <summary>When a person leaves, their open leads and follow-ups go to the successor (the customer model hands over its own customers).</summary>
internal sealed class LeadHandover(LeadRouting routing) : IOwnerHandover
{
    public string Resource => DataResources.Leads;

    public async Task<int> HandOverAsync(string departing, string successor, string by, CancellationToken cancellationToken) =>
        (await routing.MoveAsync(departing, successor, by, customersFollow: false, cancellationToken)).Leads;
}
