using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Directory;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Scrm.Campaigns.Tests;

/// <summary>Suites that touch storage run once per provider: the same code path on SQLite and PostgreSQL.</summary>
public abstract class ProviderTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    protected StorageUnderTest Storage { get; private set; } = StorageUnderTest.Sqlite;

    public async ValueTask InitializeAsync()
    {
        if (usePostgres)
        {
            Storage = StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
        }
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Puts generated customer facts into the customer model's own tables, as its writers would leave them.</summary>
internal static class Seed
{
    private static readonly Dictionary<string, string> IdentityTypeOf = new()
    {
        ["wechat"] = IdentityTypes.WeChatOpenId,
        ["wecom"] = IdentityTypes.WeComExternalUserId,
        ["phone"] = IdentityTypes.Phone,
        ["email"] = IdentityTypes.Email,
        ["weibo"] = IdentityTypes.WeiboUid,
    };

    private static long _position;

    public static async Task WriteAsync(IDbContextFactory<CustomersDbContext> contexts, IEnumerable<CustomerFactSheet> customers, long updatedAt,
        Func<CustomerFactSheet, (string? Name, string? Phone, string? Email)>? contacts = null)
    {
        await using var db = await contexts.CreateDbContextAsync();
        foreach (var c in customers)
        {
            var (name, phone, email) = contacts?.Invoke(c) ?? (null, null, null);
            var row = await db.Customers.FirstOrDefaultAsync(x => x.Id == c.Id);
            if (row is null)
            {
                row = new CustomerRow { Id = c.Id };
                db.Customers.Add(row);
            }

            row.Status = c.Active ? CustomerStatus.Active : CustomerStatus.Merged;
            row.Name = name;
            row.Phone = phone;
            row.Email = email;
            row.Tier = c.Tier;
            (row.RScore, row.FScore, row.MScore) = (c.R, c.F, c.M);
            (row.Province, row.City, row.Source, row.OwnerId) = (c.Province, c.City, c.Source, c.Owner);
            (row.OrderCount, row.MonetaryCents, row.LastOrderAt, row.LastSalesActivityAt) = (c.OrderCount, c.AmountCents, c.LastOrderAt, c.LastContactAt);
            row.CreatedAt = c.CreatedAt;
            row.UpdatedAt = updatedAt;

            await db.Tags.Where(t => t.CustomerId == c.Id).ExecuteDeleteAsync();
            await db.Identities.Where(t => t.CustomerId == c.Id).ExecuteDeleteAsync();
            await db.Consents.Where(t => t.CustomerId == c.Id).ExecuteDeleteAsync();
            await db.Timeline.Where(t => t.CustomerId == c.Id).ExecuteDeleteAsync();
            db.Tags.AddRange(c.Tags.Select(t => new TagRow { CustomerId = c.Id, Tag = t }));
            db.Identities.AddRange(c.Identities.Select(i => new IdentityRow { CustomerId = c.Id, Type = IdentityTypeOf[i], Value = $"{i}-{c.Id:N}" }));
            db.Consents.AddRange(c.Consent.Select(ch => new ConsentRow { CustomerId = c.Id, Channel = ch + ":acct", Granted = true }));
            // A consent withdrawn on a channel is no consent there.
            db.Consents.AddRange(Generated.Channels.Except(c.Consent).Take(1).Select(ch => new ConsentRow { CustomerId = c.Id, Channel = ch + ":acct", Granted = false }));
            if (c.LastInboundAt is { } inbound)
            {
                var position = Interlocked.Increment(ref _position);
                db.Timeline.Add(new TimelineRow { CustomerId = c.Id, EventKey = $"j:{c.Id:N}:{position}", Position = position, Kind = "mention", Channel = "weibo", OccurredAt = inbound });
                db.Timeline.Add(new TimelineRow { CustomerId = c.Id, EventKey = $"j:{c.Id:N}:{position}:old", Position = position, Kind = "mention", Channel = "weibo", OccurredAt = inbound - 86_400_000 });
            }

            // An order is not something the customer sent: it never counts as the last inbound.
            db.Timeline.Add(new TimelineRow { CustomerId = c.Id, EventKey = $"order:{c.Id:N}:{Interlocked.Increment(ref _position)}", Kind = "order", Channel = "shop", OccurredAt = Generated.Now.ToUnixTimeMilliseconds() });
        }

        await db.SaveChangesAsync();
    }
}
