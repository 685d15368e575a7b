namespace Scrm.Customers.Identity;

/// <summary>
/// What one inbound item (or imported row) says about a person: the keys that identify them, the
/// profile details it carries, and what it means for their timeline, consent and ownership.
/// </summary>
internal sealed record Observation
{
    /// <summary>Idempotency key of the timeline row: <c>j:{position}</c> for journal items.</summary>
    public required string EventKey { get; init; }
    public long? Position { get; init; }
    public required string Kind { get; init; }
    public required string Channel { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public IReadOnlyList<IdentityKey> Keys { get; init; } = [];
    public ProfileHints Profile { get; init; } = ProfileHints.Empty;
    public string? Summary { get; init; }
    public string? Data { get; init; }
    public IReadOnlyList<ConsentChange> Consents { get; init; } = [];
    /// <summary>A rep who took the customer on (a WeCom rep adding them): the owner if they have none.</summary>
    public string? Rep { get; init; }
    public IReadOnlyList<string> AutoTags { get; init; } = [];
    /// <summary>Counts for the ownership rule on merge (most recent sales activity keeps the owner).</summary>
    public bool SalesActivity { get; init; }
}

/// <summary>Profile details an item carries; empty fields are never written over known ones.</summary>
internal sealed record ProfileHints
{
    public static readonly ProfileHints Empty = new();

    /// <summary>A name the person gave (form, import); channel display names go to <see cref="Nickname"/>.</summary>
    public string? Name { get; init; }
    public string? Nickname { get; init; }
    public string? Company { get; init; }
    public string? Title { get; init; }
    public string? Province { get; init; }
    public string? City { get; init; }
    /// <summary>The region was inferred (from a phone number's area), not said by the customer.</summary>
    public bool RegionInferred { get; init; }
    public string? Source { get; init; }
    public string? Industry { get; init; }
    /// <summary>The number to call: E.164 when known (also a landline), else as given.</summary>
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
}

internal readonly record struct ConsentChange(string Channel, bool Granted, string Source);
