namespace Scrm.Customers.View;

/// <summary>The 360° view of one customer.</summary>
internal sealed record CustomerView(
    Guid Id,
    string Status,
    Guid? MergedInto,
    ProfileView Profile,
    string? Owner,
    DateTimeOffset? OwnerSince,
    ValueView Value,
    IReadOnlyList<IdentityView> Identities,
    IReadOnlyList<TagView> Tags,
    IReadOnlyList<ConsentView> Consents,
    TimelinePage Timeline,
    IReadOnlyList<DecisionMapEntry> DecisionMap,
    IReadOnlyList<RepurchaseView> Repurchase,
    IReadOnlyDictionary<string, object?> Sections,
    bool Masked);

internal sealed record ProfileView(
    string? Name, string? Nickname, string? Company, string? Title, string? Province, string? City, string? Source, string? Industry,
    string? Phone, string? Email, IReadOnlyDictionary<string, string> CustomFields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? RegionSource = null);

internal sealed record ValueView(
    string? Tier, double? Score, int R, int F, int M, int Orders, string Monetary, DateTimeOffset? FirstOrderAt, DateTimeOffset? LastOrderAt,
    IReadOnlyList<Value.IndicatorScore> Breakdown, DateTimeOffset? LastSalesActivityAt);

internal sealed record IdentityView(string Type, string? Account, string Value, DateTimeOffset Since);

internal sealed record TagView(string Tag, string Kind);

internal sealed record ConsentView(string Channel, bool Granted, DateTimeOffset At, string Source);

internal sealed record TimelineItem(long Id, string Kind, string Channel, DateTimeOffset OccurredAt, string? Summary, string? Data, long? Position);

/// <summary>Newest first; pass <see cref="Next"/> as <c>before</c> for the next page.</summary>
internal sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, long? Next);

internal sealed record DecisionMapEntry(long Id, Guid? PersonId, string Name, string? Title, string Role, int Influence, long? ReportsTo);

internal sealed record RepurchaseView(string Product, int Purchases, DateTimeOffset LastPurchaseAt, double? CycleDays, DateTimeOffset? RemindAt);

/// <summary>
/// A part of the 360° view another module owns (open leads, conversations): registered in DI, loaded
/// by customer id and shown under <see cref="Name"/>.
/// </summary>
internal interface ICustomerViewSection
{
    string Name { get; }

    Task<object?> LoadAsync(Guid customerId, CancellationToken cancellationToken);
}

/// <summary>One row of the customer list.</summary>
internal sealed record CustomerSummary(
    Guid Id, string? Name, string? Nickname, string? Company, string? Province, string? City, string? Source,
    string? Phone, string? Email, string? Owner, string? Tier, double? Score);

/// <summary>A page of the list; <see cref="Next"/> is the cursor for the following page.</summary>
internal sealed record CustomerPage(IReadOnlyList<CustomerSummary> Items, Guid? Next);

/// <summary>A customer's protected fields in full, as revealed on request.</summary>
internal sealed record RevealedFields(Guid Id, string? Phone, string? Email, string Monetary, IReadOnlyList<IdentityView> Identities);
