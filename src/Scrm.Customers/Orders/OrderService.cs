using Scrm.Platform.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Customers.Value;
using Scrm.Platform.Contacts;

namespace Scrm.Customers.Orders;

/// <summary>An order as a shop, ERP or import reports it. The customer is named by id or by contact details.</summary>
internal sealed record OrderInput(
    string? OrderId,
    Guid? CustomerId,
    string? Phone,
    string? Email,
    string? CrmId,
    string? Name,
    decimal? Amount,
    string? Currency,
    string? Channel,
    DateTimeOffset? OccurredAt,
    IReadOnlyList<OrderLineInput>? Products);

internal sealed record OrderLineInput(string? Product, int? Quantity, decimal? Amount);

/// <summary>What happened to one order: <c>created</c>, <c>duplicate</c> (same order again), <c>conflict</c> (same id, other contents) or <c>invalid</c>.</summary>
internal sealed record OrderOutcome(string? OrderId, string Status, Guid? CustomerId, IDictionary<string, string[]>? Errors)
{
    /// <summary>The field errors in both languages, for an import's row report.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal FieldErrors? Problems { get; init; }
}

/// <summary>Records orders idempotently by order id and keeps the customers' value current.</summary>
internal sealed class OrderService(CustomersDbContext db, ResolutionEngine engine, ValueScorer scorer, TimeProvider time)
{
    public const string CrmSystem = "import";

    public async Task<IReadOnlyList<OrderOutcome>> RecordAsync(IReadOnlyList<OrderInput> orders, string language, CancellationToken cancellationToken)
    {
        var outcomes = new OrderOutcome?[orders.Count];
        var valid = new List<(int Index, OrderInput Order, string Hash, long Cents, List<(string Product, int Quantity, long Cents)> Lines)>();
        for (var i = 0; i < orders.Count; i++)
        {
            var (errors, cents, lines) = Validate(orders[i]);
            if (errors.Count > 0)
            {
                outcomes[i] = new OrderOutcome(orders[i].OrderId, "invalid", null, errors.ToDictionary(language)) { Problems = errors };
                continue;
            }

            valid.Add((i, orders[i], Hash(orders[i], cents, lines), cents, lines));
        }

        var ids = valid.Select(v => v.Order.OrderId!).Distinct().ToList();
        var existing = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.OrderId))
            .Select(o => new { o.OrderId, o.ContentHash, o.CustomerId }).ToDictionaryAsync(o => o.OrderId, cancellationToken);
        var fresh = new List<(int Index, OrderInput Order, string Hash, long Cents, List<(string, int, long)> Lines)>();
        var batchIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in valid)
        {
            if (existing.TryGetValue(v.Order.OrderId!, out var known))
            {
                outcomes[v.Index] = new OrderOutcome(v.Order.OrderId, known.ContentHash == v.Hash ? "duplicate" : "conflict", known.CustomerId, null);
            }
            else if (!batchIds.Add(v.Order.OrderId!))
            {
                outcomes[v.Index] = new OrderOutcome(v.Order.OrderId, "duplicate", null, null);
            }
            else
            {
                fresh.Add(v);
            }
        }

        // Customers named by contact details are resolved like any inbound item (and get the order on their timeline).
        var byContact = fresh.Where(f => f.Order.CustomerId is null).ToList();
        var resolved = byContact.Count == 0 ? [] : await engine.ApplyAsync(byContact.Select(f => Observe(f.Order, f.Cents)).ToList(), cancellationToken);
        var customerOf = new Dictionary<int, Guid?>();
        for (var i = 0; i < byContact.Count; i++)
        {
            customerOf[byContact[i].Index] = resolved[i];
        }

        var named = fresh.Where(f => f.Order.CustomerId is not null).Select(f => f.Order.CustomerId!.Value).Distinct().ToList();
        var live = await db.Customers.AsNoTracking().Where(c => named.Contains(c.Id)).Select(c => new { c.Id, c.MergedInto }).ToDictionaryAsync(c => c.Id, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var touched = new HashSet<Guid>();
        foreach (var f in fresh)
        {
            Guid? customer;
            if (f.Order.CustomerId is { } given)
            {
                customer = live.TryGetValue(given, out var row) ? row.MergedInto ?? row.Id : null;
                if (customer is { } c)
                {
                    db.Timeline.Add(Timeline(f.Order, f.Cents, c));
                }
            }
            else
            {
                customer = customerOf[f.Index];
            }

            if (customer is not { } target)
            {
                var unknown = new FieldErrors();
                unknown.Add("customerId", CustomerTexts.OrderUnknownCustomer);
                outcomes[f.Index] = new OrderOutcome(f.Order.OrderId, "invalid", null, unknown.ToDictionary(language)) { Problems = unknown };
                continue;
            }

            db.Orders.Add(new OrderRow
            {
                OrderId = f.Order.OrderId!,
                CustomerId = target,
                AmountCents = f.Cents,
                Currency = f.Order.Currency ?? "CNY",
                Channel = f.Order.Channel!,
                OccurredAt = f.Order.OccurredAt!.Value.ToUnixTimeMilliseconds(),
                ContentHash = f.Hash,
                CreatedAt = now,
            });
            foreach (var (product, quantity, cents) in f.Lines)
            {
                db.OrderLines.Add(new OrderLineRow { OrderId = f.Order.OrderId!, Product = product, Quantity = quantity, AmountCents = cents });
            }

            touched.Add(target);
            outcomes[f.Index] = new OrderOutcome(f.Order.OrderId, "created", target, null);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (touched.Count > 0)
        {
            await scorer.RefreshAggregatesAsync(touched, cancellationToken);
            var at = await db.Customers.Where(c => touched.Contains(c.Id)).ToListAsync(cancellationToken);
            foreach (var c in at)
            {
                c.LastSalesActivityAt = Math.Max(c.LastSalesActivityAt ?? 0, c.LastOrderAt ?? 0);
            }

            await db.SaveChangesAsync(cancellationToken);
            await scorer.RescoreAsync(touched, cancellationToken);
        }

        db.ChangeTracker.Clear();
        return outcomes.Select(o => o!).ToList();
    }

    private static Observation Observe(OrderInput order, long cents)
    {
        var keys = new List<IdentityKey>(3);
        var phone = Phone.Normalize(order.Phone);
        if (PhoneKeys.FromE164(phone?.E164) is { } p)
        {
            keys.Add(p);
        }

        if (order.Email is not null && Email.Normalize(order.Email).Address is { } email)
        {
            keys.Add(IdentityKey.Global(IdentityTypes.Email, email));
        }

        if (!string.IsNullOrWhiteSpace(order.CrmId))
        {
            keys.Add(new IdentityKey(IdentityTypes.CrmId, CrmSystem, order.CrmId.Trim()));
        }

        return new Observation
        {
            EventKey = "order:" + order.OrderId,
            Kind = "order",
            Channel = order.Channel!,
            OccurredAt = order.OccurredAt!.Value,
            Keys = keys,
            Profile = new ProfileHints { Name = order.Name, Phone = phone?.E164 ?? phone?.Raw, Email = order.Email is null ? null : Email.Normalize(order.Email).Address },
            Summary = Summary(order, cents),
            SalesActivity = true,
        };
    }

    private static TimelineRow Timeline(OrderInput order, long cents, Guid customer) => new()
    {
        CustomerId = customer,
        EventKey = "order:" + order.OrderId,
        Kind = "order",
        Channel = order.Channel!,
        OccurredAt = order.OccurredAt!.Value.ToUnixTimeMilliseconds(),
        Summary = Summary(order, cents),
    };

    private static string Summary(OrderInput order, long cents) =>
        ProfileUpdate.Bound($"order {order.OrderId}: {order.Products?.Count ?? 0} product(s)", 500);

    private static (FieldErrors Errors, long Cents, List<(string, int, long)> Lines) Validate(OrderInput o)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(o.OrderId) || o.OrderId.Length > 128 || !InboundObservations.IsToken(o.OrderId))
        {
            errors.Add("orderId", CustomerTexts.OrderId);
        }

        if (o.Amount is not { } amount || amount < 0 || amount > 1_000_000_000m || decimal.Round(amount, 2) != amount)
        {
            errors.Add("amount", CustomerTexts.OrderAmount);
        }

        if (o.Currency is not null && (o.Currency.Length != 3 || !o.Currency.All(char.IsAsciiLetterUpper)))
        {
            errors.Add("currency", CustomerTexts.OrderCurrency);
        }

        if (string.IsNullOrWhiteSpace(o.Channel) || o.Channel.Length > 64)
        {
            errors.Add("channel", CustomerTexts.OrderChannel);
        }

        if (o.OccurredAt is null)
        {
            errors.Add("occurredAt", CustomerTexts.Required);
        }

        if (o.CustomerId is null)
        {
            var hasPhone = o.Phone is not null && PhoneKeys.FromE164(Phone.Normalize(o.Phone)?.E164) is not null;
            var (emailAddress, emailError) = o.Email is null ? (null, null) : Email.Normalize(o.Email);
            var hasEmail = emailAddress is not null;
            if (Phone.Check(o.Phone).Error is { } phoneError)
            {
                errors.Add("phone", Phone.Refused, phoneError);
            }

            if (emailError is not null)
            {
                errors.Add("email", Email.Refused, emailError);
            }

            if (!hasPhone && !hasEmail && string.IsNullOrWhiteSpace(o.CrmId))
            {
                errors.Add("customerId", CustomerTexts.OrderCustomer);
            }
        }

        var lines = new List<(string, int, long)>();
        if (o.Products is { } products)
        {
            if (products.Count > 200)
            {
                errors.Add("products", CustomerTexts.OrderProducts);
            }

            for (var i = 0; i < Math.Min(products.Count, 200); i++)
            {
                var p = products[i];
                if (string.IsNullOrWhiteSpace(p.Product) || p.Product.Length > 128 || p.Quantity is not (>= 1 and <= 1_000_000) || p.Amount is < 0)
                {
                    errors.Add($"products[{i}]", CustomerTexts.OrderProduct);
                    continue;
                }

                lines.Add((p.Product.Trim(), p.Quantity.Value, (long)((p.Amount ?? 0) * 100)));
            }
        }

        return (errors, (long)((o.Amount ?? 0) * 100), lines);
    }

    private static string Hash(OrderInput o, long cents, List<(string Product, int Quantity, long Cents)> lines)
    {
        var canonical = new StringBuilder()
            .Append(o.CustomerId?.ToString() ?? "").Append('|').Append(o.Phone).Append('|').Append(o.Email).Append('|').Append(o.CrmId)
            .Append('|').Append(cents.ToString(CultureInfo.InvariantCulture)).Append('|').Append(o.Currency ?? "CNY").Append('|').Append(o.Channel)
            .Append('|').Append(o.OccurredAt!.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        foreach (var (product, quantity, c) in lines)
        {
            canonical.Append('|').Append(product).Append('*').Append(quantity.ToString(CultureInfo.InvariantCulture)).Append('=').Append(c.ToString(CultureInfo.InvariantCulture));
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
