using Scrm.Customers.Directory;
using Scrm.Leads.Attribution;

namespace Scrm.Campaigns.Attribution;

/// <summary>
/// Leads won by a campaign's recipients, as value events beside their orders: the lead names its
/// customer by key (<c>customer:{id}</c> once resolved); a lead without one is placed by the journal
/// items it was made from, as the customer model resolved them. Its value is what was paid on it,
/// less payments recorded under the id of one of the customer's orders: those are the order's money,
/// already counted with the order.
/// </summary>
internal sealed class LeadConversions(WonLeads? leads = null, CustomerDirectory? directory = null)
{
    private const string CustomerKeyPrefix = "customer:";

    /// <summary>
    /// Won leads after <paramref name="from"/> whose customer is one of <paramref name="customers"/>;
    /// <paramref name="orders"/> are the orders counted beside them (customer and order id).
    /// </summary>
    public async Task<IReadOnlyList<ResultOrder>> WonAsync(IReadOnlySet<Guid> customers, long from, IReadOnlySet<(Guid Customer, string OrderId)> orders, CancellationToken cancellationToken)
    {
        if (leads is null || customers.Count == 0)
        {
            return [];
        }

        var won = await leads.SinceAsync(from, cancellationToken);
        // Looked up together, so the directory answers the leads without a customer key in batches.
        var owners = await Task.WhenAll(won.Select(l => CustomerOfAsync(l, cancellationToken)));
        return [.. won.Zip(owners)
            .Where(w => w.Second is { } customer && customers.Contains(customer))
            .Select(w => new ResultOrder(w.Second!.Value, w.First.WonAt, Fen(Paid(w.First, w.Second!.Value, orders)), Lead: true))];
    }

    /// <summary>What was paid on a lead and not already counted as one of the customer's orders.</summary>
    internal static decimal Paid(WonLead lead, Guid customer, IReadOnlySet<(Guid Customer, string OrderId)> orders) =>
        lead.Payments.Where(p => !orders.Contains((customer, p.PaymentId))).Sum(p => p.Amount);

    private static long Fen(decimal yuan) => (long)Math.Round(yuan * 100m, MidpointRounding.AwayFromZero);

    private async Task<Guid?> CustomerOfAsync(WonLead lead, CancellationToken cancellationToken)
    {
        if (CustomerOf(lead.CustomerKey) is { } id)
        {
            return id;
        }

        if (directory is null)
        {
            return null;
        }

        foreach (var position in lead.JournalPositions)
        {
            if (await directory.ForJournalItemAsync(position, cancellationToken) is { } facts)
            {
                return facts.Id;
            }
        }

        return null;
    }

    /// <summary>The customer id a lead's customer key names, or null for a key of another kind (phone, e-mail, a channel's author).</summary>
    internal static Guid? CustomerOf(string? customerKey) =>
        customerKey is not null && customerKey.StartsWith(CustomerKeyPrefix, StringComparison.Ordinal)
            && Guid.TryParse(customerKey.AsSpan(CustomerKeyPrefix.Length), out var id) ? id : null;
}
