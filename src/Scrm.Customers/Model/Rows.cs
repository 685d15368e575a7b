namespace Scrm.Customers.Model;

// Table rows. Times are Unix milliseconds so both providers order and compare them alike; money is
// in cents (fen) so sums are exact on SQLite too.

/// <summary>
/// Where a customer's region came from. What the customer said (a form, an import, a rep's edit)
/// always wins over what was inferred (from a phone number's area): an inferred region fills an
/// empty one and is replaced by the first stated one, never the other way round.
/// </summary>
internal static class RegionSources
{
    public const string Stated = "stated";
    public const string Inferred = "inferred";
}

internal sealed class CustomerRow
{
    public Guid Id { get; set; }
    public string Status { get; set; } = CustomerStatus.Active;
    public Guid? MergedInto { get; set; }
    public string? Name { get; set; }
    /// <summary><see cref="Platform.Contacts.MatchText"/> of <see cref="Name"/>: for matching, never shown.</summary>
    public string NameKey { get; set; } = "";
    public string? Nickname { get; set; }
    public string? Company { get; set; }
    public string CompanyKey { get; set; } = "";
    public string? Title { get; set; }
    public string? Province { get; set; }
    public string? City { get; set; }
    /// <summary>Where <see cref="Province"/> and <see cref="City"/> came from: one of <see cref="RegionSources"/>.</summary>
    public string? RegionSource { get; set; }
    public string? Source { get; set; }
    public string? Industry { get; set; }
    /// <summary>The number to call, E.164 when known: may be a landline shared with colleagues.</summary>
    public string? Phone { get; set; }
    public string? Email { get; set; }
    /// <summary>JSON object of string values.</summary>
    public string? CustomFields { get; set; }
    public string? OwnerId { get; set; }
    public long? OwnerSince { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? LastSalesActivityAt { get; set; }
    public int OrderCount { get; set; }
    public long MonetaryCents { get; set; }
    public long? FirstOrderAt { get; set; }
    public long? LastOrderAt { get; set; }
    public double? Score { get; set; }
    public string? Tier { get; set; }
    public int RScore { get; set; }
    public int FScore { get; set; }
    public int MScore { get; set; }
    /// <summary>JSON: the weighted model's indicators and their contributions.</summary>
    public string? ScoreDetail { get; set; }
    public long? ScoredAt { get; set; }
}

internal static class CustomerStatus
{
    public const string Active = "active";
    public const string Merged = "merged";
}

/// <summary>One identity belongs to one customer: unique on (type, account, value).</summary>
internal sealed class IdentityRow
{
    public long Id { get; set; }
    public Guid CustomerId { get; set; }
    public string Type { get; set; } = "";
    /// <summary>The account the value is scoped to (WeChat app, WeCom corp, CRM system); empty when global.</summary>
    public string Account { get; set; } = "";
    public string Value { get; set; } = "";
    public long CreatedAt { get; set; }
}

internal sealed class ConsentRow
{
    public long Id { get; set; }
    public Guid CustomerId { get; set; }
    public string Channel { get; set; } = "";
    public bool Granted { get; set; }
    public long At { get; set; }
    public string Source { get; set; } = "";
}

internal sealed class TagRow
{
    public long Id { get; set; }
    public Guid CustomerId { get; set; }
    public string Tag { get; set; } = "";
    /// <summary><c>manual</c> (a person set it) or <c>auto</c> (a rule did).</summary>
    public string Kind { get; set; } = TagKinds.Manual;
    public long CreatedAt { get; set; }
}

internal static class TagKinds
{
    public const string Manual = "manual";
    public const string Auto = "auto";
}

/// <summary>Append-only. <see cref="EventKey"/> (<c>j:{position}</c> for journal items) makes re-handling a no-op.</summary>
internal sealed class TimelineRow
{
    public long Id { get; set; }
    public Guid CustomerId { get; set; }
    public string EventKey { get; set; } = "";
    public long? Position { get; set; }
    public string Kind { get; set; } = "";
    public string Channel { get; set; } = "";
    public long OccurredAt { get; set; }
    public string? Summary { get; set; }
    public string? Data { get; set; }
}

/// <summary>A person in a company customer's decision map.</summary>
internal sealed class ContactRow
{
    public long Id { get; set; }
    public Guid CompanyId { get; set; }
    /// <summary>The person's own customer record, when they have one.</summary>
    public Guid? PersonId { get; set; }
    public string Name { get; set; } = "";
    public string? Title { get; set; }
    public string Role { get; set; } = "";
    /// <summary>1 (none) to 5 (decides).</summary>
    public int Influence { get; set; }
    public long? ReportsTo { get; set; }
}

/// <summary>A merge: who, when, why, the state before and every row it moved, so it can be undone exactly.</summary>
internal sealed class MergeRow
{
    public Guid Id { get; set; }
    public Guid SurvivorId { get; set; }
    public Guid MergedId { get; set; }
    public string Actor { get; set; } = "";
    public string Reason { get; set; } = "";
    public long At { get; set; }
    public string Before { get; set; } = "";
    public string After { get; set; } = "";
    public string Moves { get; set; } = "";
    public string? OwnerConflict { get; set; }
    public long? UndoneAt { get; set; }
    public string? UndoneBy { get; set; }
}

internal sealed class AuditRow
{
    public long Id { get; set; }
    public Guid? CustomerId { get; set; }
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string? Detail { get; set; }
}

/// <summary>A number seen on several different people (a switchboard): never used to link anyone.</summary>
internal sealed class SharedNumberRow
{
    public string Value { get; set; } = "";
    public long MarkedAt { get; set; }
    public string Reason { get; set; } = "";
}

internal sealed class OrderRow
{
    public string OrderId { get; set; } = "";
    public Guid CustomerId { get; set; }
    public long AmountCents { get; set; }
    public string Currency { get; set; } = "CNY";
    public string Channel { get; set; } = "";
    public long OccurredAt { get; set; }
    /// <summary>SHA-256 of the canonical order: a repeat with other contents is a conflict, not a duplicate.</summary>
    public string ContentHash { get; set; } = "";
    public long CreatedAt { get; set; }
}

internal sealed class OrderLineRow
{
    public long Id { get; set; }
    public string OrderId { get; set; } = "";
    public string Product { get; set; } = "";
    public int Quantity { get; set; }
    public long AmountCents { get; set; }
}

/// <summary>Derived from orders: how often this customer buys this product, and when they should again.</summary>
internal sealed class ProductCycleRow
{
    public Guid CustomerId { get; set; }
    public string Product { get; set; } = "";
    public int Purchases { get; set; }
    public long LastPurchaseAt { get; set; }
    public double? CycleDays { get; set; }
    public long? NextDueAt { get; set; }
}

internal sealed class ImportJobRow
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "";
    public string Actor { get; set; } = "";
    public int Total { get; set; }
    public int Processed { get; set; }
    public int Failed { get; set; }
    /// <summary>JSON array of { row, field, error }.</summary>
    public string Errors { get; set; } = "[]";
    public string? Content { get; set; }
    public long CreatedAt { get; set; }
    public long? FinishedAt { get; set; }
}

/// <summary>Shared state of the value model: the quantile cut points the last full run found.</summary>
internal sealed class ValueStateRow
{
    public string Name { get; set; } = "";
    public string State { get; set; } = "";
    public long ComputedAt { get; set; }
}
