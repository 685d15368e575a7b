using Scrm.Customers.Directory;
using Scrm.Platform.Security;

namespace Scrm.Customers.View;

/// <summary>A departing person's customers go to their successor (a deactivation); each move is in the customer's history.</summary>
internal sealed class CustomerHandover(CustomerDirectory directory) : IOwnerHandover
{
    public string Resource => DataResources.Customers;

    public Task<int> HandOverAsync(string departing, string successor, string by, CancellationToken cancellationToken) =>
        directory.HandOverAsync(departing, successor, by, cancellationToken);
}
