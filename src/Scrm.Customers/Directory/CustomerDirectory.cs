using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Platform.Audit;
using Scrm.Platform.Batching;
using Scrm.Platform.Effects;

namespace Scrm.Customers.Directory;

/// <summary>What another module needs to know about the customer an inbound item was resolved to.</summary>
public sealed record CustomerFacts(Guid Id, string? Owner, string? Tier, string? Province, string? City);

/// <summary>A customer as another module shows them beside its own record, unmasked: the caller masks per its reader.</summary>
/// <summary>A customer's order as a reply template shows it.</summary>
public sealed record OrderCard(string OrderId, decimal Amount, string Currency, string Channel, DateTimeOffset OccurredAt, IReadOnlyList<string> Products);

public sealed record CustomerCard(Guid Id, string? Name, string? Nickname, string? Company, string? Phone, string? Email,
    string? Owner, string? Tier, string? Province, string? City);

/// <summary>
/// The customer model's surface for other modules: which customer a journal item was resolved to,
/// and claiming a sales owner for a customer who has none (a customer never has two). Concurrent
/// callers are served in batches: one query, or one transaction, for everyone waiting.
/// </summary>
public sealed class CustomerDirectory : IAsyncDisposable
{
    /// <summary>A claim under an effect key (a workflow step) records its answer with the claim and gives it again for that key.</summary>
    public const string ClaimEffect = "customer.claim";

    private readonly IDbContextFactory<CustomersDbContext> _contexts;
    private readonly AuditOutbox _audit;
    private readonly TimeProvider _time;
    private readonly GroupCommit<long, CustomerFacts?> _lookups;
    private readonly GroupCommit<(Guid Customer, string Owner, string? Key), Effect<string?>> _claims;
    private long _resolvedThrough = -1;
    private TaskCompletionSource _resolvedFurther = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CustomerDirectory(IDbContextFactory<CustomersDbContext> contexts, AuditOutbox audit, TimeProvider time, ILogger<CustomerDirectory> log)
    {
        _contexts = contexts;
        _audit = audit;
        _time = time;
        _lookups = new GroupCommit<long, CustomerFacts?>(LookUpAsync, 1_000, log);
        _claims = new GroupCommit<(Guid, string, string?), Effect<string?>>(ClaimAsync, 1_000, log);
    }

    /// <summary>The customer the item at <paramref name="position"/> was resolved to, or null when resolution has not reached it.</summary>
    public Task<CustomerFacts?> ForJournalItemAsync(long position, CancellationToken cancellationToken) =>
        _lookups.SubmitAsync(position, cancellationToken);

    /// <summary>Makes <paramref name="owner"/> the customer's sales owner unless someone already is; returns whoever owns it now.</summary>
    public async Task<string?> ClaimOwnerAsync(Guid customerId, string owner, CancellationToken cancellationToken) =>
        (await _claims.SubmitAsync((customerId, owner, null), cancellationToken)).Outcome;

    /// <summary>The claim as a side effect under <paramref name="effectKey"/>: the first call's answer is given to every later one.</summary>
    public Task<Effect<string?>> ClaimOwnerAsync(Guid customerId, string owner, string effectKey, CancellationToken cancellationToken) =>
        _claims.SubmitAsync((customerId, owner, effectKey), cancellationToken);

    /// <summary>
    /// A departing rep's customers all go to <paramref name="to"/>, each move in the customer's
    /// history with <paramref name="by"/>, and one audit entry in the same transaction; returns how
    /// many moved. Running it again moves nothing more.
    /// </summary>
    public async Task<int> HandOverAsync(string from, string to, string by, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var ids = await db.Customers.Where(c => c.OwnerId == from && c.MergedInto == null).Select(c => c.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }

        await db.Customers.Where(c => ids.Contains(c.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerId, to).SetProperty(c => c.OwnerSince, now).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        var detail = JsonSerializer.Serialize(new Dictionary<string, string> { ["from"] = from, ["to"] = to }, CustomersJson.Default.DictionaryStringString);
        db.Audit.AddRange(ids.Select(id => new AuditRow { CustomerId = id, At = now, Actor = by, Action = "handover", Detail = detail }));
        await db.SaveChangesAsync(cancellationToken);
        await _audit.AddAsync(db.Database, new AuditEvent(by, "customer.handover", Platform.Security.DataResources.Customers, null,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["from"] = from, ["to"] = to, ["customers"] = ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                CustomersJson.Default.DictionaryStringString)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await _audit.DeliverAsync(CancellationToken.None);
        return ids.Count;
    }

    /// <summary>The customer <paramref name="customerId"/> now is (following merges), or null when there is none.</summary>
    public async Task<CustomerCard?> CardAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var id = customerId;
        for (var hops = 0; hops <= 10; hops++)
        {
            var c = await db.Customers.AsNoTracking().Where(x => x.Id == id)
                .Select(x => new { x.MergedInto, Card = new CustomerCard(x.Id, x.Name, x.Nickname, x.Company, x.Phone, x.Email, x.OwnerId, x.Tier, x.Province, x.City) })
                .SingleOrDefaultAsync(cancellationToken);
            if (c is null)
            {
                return null;
            }

            if (c.MergedInto is not { } survivor)
            {
                return c.Card;
            }

            id = survivor;
        }

        return null;
    }

    /// <summary>The customer's most recent order with its products, or null when they have none.</summary>
    public async Task<OrderCard?> LatestOrderAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId)
            .OrderByDescending(o => o.OccurredAt).FirstOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            return null;
        }

        var products = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == order.OrderId).OrderBy(l => l.Id).Select(l => l.Product).Take(20).ToListAsync(cancellationToken);
        return new OrderCard(order.OrderId, order.AmountCents / 100m, order.Currency, order.Channel, DateTimeOffset.FromUnixTimeMilliseconds(order.OccurredAt), products);
    }

    /// <summary>Whether this process's identity resolution has committed every item up to <paramref name="position"/>.</summary>
    public bool HasResolved(long position) => Interlocked.Read(ref _resolvedThrough) >= position;

    /// <summary>
    /// Waits until this process's identity resolution has passed <paramref name="position"/>, or
    /// <paramref name="atMost"/> (another replica may be the one resolving it).
    /// </summary>
    public async Task WaitForResolutionAsync(long position, TimeSpan atMost, CancellationToken cancellationToken)
    {
        while (!HasResolved(position))
        {
            // Take the signal before looking again, so an advance in between is not missed.
            var further = Volatile.Read(ref _resolvedFurther).Task;
            if (HasResolved(position))
            {
                return;
            }

            try
            {
                await further.WaitAsync(atMost, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    /// <summary>Identity resolution committed every item up to <paramref name="position"/>: wakes whoever waits for them.</summary>
    internal void Resolved(long position)
    {
        var seen = Interlocked.Read(ref _resolvedThrough);
        while (position > seen)
        {
            var was = Interlocked.CompareExchange(ref _resolvedThrough, position, seen);
            if (was == seen)
            {
                Interlocked.Exchange(ref _resolvedFurther, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                return;
            }

            seen = was;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lookups.DisposeAsync();
        await _claims.DisposeAsync();
    }

    private async Task<IReadOnlyList<CustomerFacts?>> LookUpAsync(IReadOnlyList<long> positions, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var keys = positions.Select(InboundObservations.EventKey).Distinct().ToList();
        var resolved = await db.Timeline.AsNoTracking()
            .Where(t => keys.Contains(t.EventKey))
            .Select(t => new { t.EventKey, t.CustomerId })
            .ToListAsync(cancellationToken);
        var customerOf = resolved.GroupBy(t => t.EventKey).ToDictionary(g => g.Key, g => g.First().CustomerId, StringComparer.Ordinal);

        // Follow merges to the surviving customers, a hop at a time for the whole batch.
        var facts = new Dictionary<Guid, CustomerFacts>();
        var survivorOf = new Dictionary<Guid, Guid>();
        var pending = customerOf.Values.Distinct().ToList();
        for (var hops = 0; hops < 10 && pending.Count > 0; hops++)
        {
            var rows = await db.Customers.AsNoTracking().Where(c => pending.Contains(c.Id))
                .Select(c => new { c.Id, c.MergedInto, c.OwnerId, c.Tier, c.Province, c.City })
                .ToListAsync(cancellationToken);
            var next = new List<Guid>();
            foreach (var row in rows)
            {
                if (row.MergedInto is { } survivor)
                {
                    survivorOf[row.Id] = survivor;
                    next.Add(survivor);
                }
                else
                {
                    facts[row.Id] = new CustomerFacts(row.Id, row.OwnerId, row.Tier, row.Province, row.City);
                }
            }

            pending = next.Distinct().Where(id => !facts.ContainsKey(id)).ToList();
        }

        CustomerFacts? Final(Guid id)
        {
            for (var hops = 0; hops <= 10; hops++)
            {
                if (facts.TryGetValue(id, out var found))
                {
                    return found;
                }

                if (!survivorOf.TryGetValue(id, out id))
                {
                    return null;
                }
            }

            return null;
        }

        return [.. positions.Select(p => customerOf.TryGetValue(InboundObservations.EventKey(p), out var id) ? Final(id) : null)];
    }

    private async Task<IReadOnlyList<Effect<string?>>> ClaimAsync(IReadOnlyList<(Guid Customer, string Owner, string? Key)> claims, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var effects = await EffectOutcomes.LoadAsync<string?>(db, claims.Select(c => c.Key), cancellationToken);
        var ids = claims.Select(c => c.Customer).Distinct().ToList();
        var customers = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var results = new Effect<string?>[claims.Count];
        for (var i = 0; i < claims.Count; i++)
        {
            var (customer, owner, key) = claims[i];
            if (effects.TryReplay(key, out results[i]))
            {
                continue;
            }

            // In order: the first claim of an unowned customer wins, later ones learn its owner.
            var row = customers.GetValueOrDefault(customer);
            if (row is { OwnerId: null })
            {
                row.OwnerId = owner;
                row.OwnerSince = now;
                row.UpdatedAt = now;
            }

            results[i] = effects.Record(key, row?.OwnerId, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitEffectAsync(ClaimEffect, cancellationToken);
        return results;
    }
}
