using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Ingestion;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

/// <summary>A module host with the journal and the customer model, and shortcuts into them.</summary>
internal static class CustomerHost
{
    public static Task<ModuleHost> StartAsync(StorageUnderTest storage, TimeProvider? time = null) =>
        ModuleHost.StartAsync(storage, (s, c) => s.AddScrmIngestion(c).AddScrmCustomers(c), time: time);

    public static async Task<IReadOnlyList<Guid?>> ApplyAsync(this ModuleHost host, params Observation[] observations)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ResolutionEngine>().ApplyAsync(observations, TestContext.Current.CancellationToken);
    }

    public static async Task<T> QueryAsync<T>(this ModuleHost host, Func<CustomersDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CustomersDbContext>());
    }

    public static Task<int> ActiveCustomersAsync(this ModuleHost host) =>
        host.QueryAsync(db => db.Customers.CountAsync(c => c.Status == CustomerStatus.Active, TestContext.Current.CancellationToken));

    public static Observation Lead(long position, string? name, string? phoneE164 = null, string? email = null, string? company = null, DateTimeOffset? at = null)
    {
        var keys = new List<IdentityKey>();
        if (PhoneKeys.FromE164(phoneE164) is { } phone)
        {
            keys.Add(phone);
        }

        if (email is not null)
        {
            keys.Add(IdentityKey.Global(IdentityTypes.Email, email));
        }

        return new Observation
        {
            EventKey = "j:" + position,
            Position = position,
            Kind = "lead",
            Channel = "web",
            OccurredAt = at ?? DateTimeOffset.UnixEpoch.AddDays(20000 + position),
            Keys = keys,
            Profile = new ProfileHints { Name = name, Phone = phoneE164, Email = email, Company = company },
            SalesActivity = true,
        };
    }

    public static Observation Contact(long position, string channel, IdentityKey[] keys, string? rep = null) => new()
    {
        EventKey = "j:" + position,
        Position = position,
        Kind = "contact_event",
        Channel = channel,
        OccurredAt = DateTimeOffset.UnixEpoch.AddDays(20000 + position),
        Keys = keys,
        Rep = rep,
        SalesActivity = rep is not null,
    };
}
