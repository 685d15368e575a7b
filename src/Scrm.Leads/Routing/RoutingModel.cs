namespace Scrm.Leads.Routing;

/// <summary>What routing looks at in a lead.</summary>
public sealed record RoutingLead(
    string? Province = null,
    string? City = null,
    string? Product = null,
    string? Channel = null,
    string? ValueTier = null,
    string? ExistingOwner = null,
    string? RequestedOwner = null);

/// <summary>A rule sending matching leads to a team; an empty criterion matches anything.</summary>
public sealed record RoutingRule(
    string Name,
    string Team,
    string? Province = null,
    string? City = null,
    string? Product = null,
    string? Channel = null,
    string? ValueTier = null)
{
    public bool Matches(RoutingLead lead) =>
        Is(Province, lead.Province) && Is(City, lead.City) && Is(Product, lead.Product) && Is(Channel, lead.Channel) && Is(ValueTier, lead.ValueTier);

    private static bool Is(string? criterion, string? value) =>
        string.IsNullOrEmpty(criterion) || string.Equals(criterion, value, StringComparison.OrdinalIgnoreCase);
}

public enum RoutingStrategy
{
    RoundRobin,
    Weighted,
    LeastLoaded,
}

/// <summary>A sales team: its reps, how leads are shared among them, and who its lead is.</summary>
public sealed record SalesTeam(string Name, RoutingStrategy Strategy, IReadOnlyList<SalesRep> Reps, string? TeamLead = null);

/// <summary>A rep as routing sees them.</summary>
/// <param name="Capacity">Most open leads the rep may hold; past it they get no new ones.</param>
/// <param name="WorkingHours">Local working hours (UTC+8 unless <see cref="UtcOffsetHours"/> says otherwise); null = always.</param>
public sealed record SalesRep(
    string Id,
    int Weight = 1,
    int Capacity = int.MaxValue,
    bool Active = true,
    DateTimeOffset? OutOfOfficeUntil = null,
    WorkingHours? WorkingHours = null,
    double UtcOffsetHours = 8);

/// <summary>Working hours on working days (Monday to Friday unless days are given).</summary>
public sealed record WorkingHours(TimeOnly From, TimeOnly To, IReadOnlySet<DayOfWeek>? Days = null)
{
    public bool Contains(DateTimeOffset localTime)
    {
        var days = Days ?? new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
        var time = TimeOnly.FromDateTime(localTime.DateTime);
        return days.Contains(localTime.DayOfWeek) && time >= From && time < To;
    }
}

/// <summary>The routing configuration: rules in order, the teams, and the team for leads no rule matches.</summary>
public sealed record RoutingPlan(IReadOnlyList<RoutingRule> Rules, IReadOnlyList<SalesTeam> Teams, string? DefaultTeam);

/// <summary>
/// A team's sharing state: the last rep given a lead (round robin) and the running weights (smooth
/// weighted round robin). Stored per team and updated with the assignment.
/// </summary>
public sealed record TeamCursor(string? LastRep, IReadOnlyDictionary<string, int> CurrentWeights)
{
    public static TeamCursor Start { get; } = new(null, new Dictionary<string, int>());
}

/// <summary>Who gets the lead and why; a null owner sends it to the shared pool.</summary>
public sealed record RoutingDecision(string? Owner, string? Team, IReadOnlyList<string> Reasons, TeamCursor? Cursor)
{
    /// <summary>For a lead sent to the pool: the team's reps who could not take it because they hold their capacity of open leads.</summary>
    public IReadOnlyList<string> AtCapacity { get; init; } = new List<string>();
}
