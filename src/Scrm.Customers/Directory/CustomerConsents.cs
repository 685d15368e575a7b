using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Model;
using Scrm.Platform.Audit;

namespace Scrm.Customers.Directory;

/// <summary>
/// Consent changes other modules make on a customer's behalf. An unsubscribe withdraws consent for
/// a whole channel (<c>sms</c>, <c>email</c>, <c>wechat</c>): that row outranks any account's consent
/// on the channel, so every later campaign holds the customer back there.
/// </summary>
public sealed class CustomerConsents(IDbContextFactory<CustomersDbContext> contexts, AuditOutbox audit, TimeProvider time)
{
    /// <summary>The source of a consent withdrawn by an unsubscribe link or reply.</summary>
    public const string UnsubscribeSource = "unsubscribe";

    /// <summary>The source of a consent given again after an unsubscribe, at the customer's explicit request.</summary>
    public const string ResubscribeSource = "resubscribe";

    /// <summary>
    /// Withdraws the customer's (or, once merged, their survivor's) consent for the whole channel,
    /// noted in their timeline under <paramref name="eventKey"/>; doing it again changes nothing.
    /// Returns false when there is no such customer.
    /// </summary>
    public async Task<bool> WithdrawAsync(Guid customerId, string channel, string eventKey, string? summary, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        for (var hops = 0; customer is { Status: CustomerStatus.Merged, MergedInto: { } into } && hops < 16; hops++)
        {
            customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == into, cancellationToken);
        }

        if (customer is null)
        {
            return false;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = await db.Consents.Where(c => c.CustomerId == customer.Id && c.Channel == channel).ToListAsync(cancellationToken);
        if (rows.Count > 0 && rows.TrueForAll(r => !r.Granted))
        {
            return true;
        }

        if (rows.Count == 0)
        {
            db.Consents.Add(new ConsentRow { CustomerId = customer.Id, Channel = channel, Granted = false, At = now, Source = UnsubscribeSource });
        }

        foreach (var row in rows)
        {
            (row.Granted, row.At, row.Source) = (false, now, UnsubscribeSource);
        }

        // Consent is a segment fact: the stamp puts the customer on the change feed.
        customer.UpdatedAt = Math.Max(now, customer.UpdatedAt + 1);
        if (!await db.Timeline.AnyAsync(t => t.EventKey == eventKey, cancellationToken))
        {
            db.Timeline.Add(new TimelineRow { CustomerId = customer.Id, EventKey = eventKey, Kind = "unsubscribe", Channel = channel, OccurredAt = now, Summary = summary });
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Gives the customer's consent for the whole channel again after it was withdrawn (an unsubscribe),
    /// noted in their timeline with who recorded it, and audited (<c>consent.resubscribe</c> by
    /// <paramref name="actor"/>) in the same transaction. Returns the customer's id (the survivor's once
    /// merged), or null when there is no such customer; <c>Withdrawn</c> is false when nothing was withdrawn.
    /// </summary>
    public async Task<(Guid? Customer, bool Withdrawn)> ResubscribeAsync(Guid customerId, string channel, string summary, string actor, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        for (var hops = 0; customer is { Status: CustomerStatus.Merged, MergedInto: { } into } && hops < 16; hops++)
        {
            customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == into, cancellationToken);
        }

        if (customer is null)
        {
            return (null, false);
        }

        var rows = await db.Consents.Where(c => c.CustomerId == customer.Id && c.Channel == channel && !c.Granted).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return (customer.Id, false);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var row in rows)
        {
            (row.Granted, row.At, row.Source) = (true, now, ResubscribeSource);
        }

        customer.UpdatedAt = Math.Max(now, customer.UpdatedAt + 1);
        db.Timeline.Add(new TimelineRow
        {
            CustomerId = customer.Id, EventKey = $"resubscribe:{customer.Id:N}:{channel}:{now}", Kind = ResubscribeSource, Channel = channel, OccurredAt = now, Summary = summary,
        });
        await db.SaveChangesAsync(cancellationToken);
        // The evidence stays in the customer's own record; the audit entry names who, whom and which channel.
        await audit.AddAsync(db.Database, new AuditEvent(actor, "consent.resubscribe", "customer", customer.Id.ToString("D"),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["channel"] = channel, ["source"] = ResubscribeSource }, CustomersJson.Default.DictionaryStringString)),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.DeliverAsync(CancellationToken.None);
        return (customer.Id, true);
    }
}
