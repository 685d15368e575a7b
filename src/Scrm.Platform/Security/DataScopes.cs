using System.Linq.Expressions;

namespace Scrm.Platform.Security;

/// <summary>How far a role reaches in one kind of record.</summary>
public enum Reach
{
    /// <summary>The records the person owns.</summary>
    Own,

    /// <summary>The records owned by anyone in the person's team.</summary>
    Team,

    /// <summary>Every record.</summary>
    All,
}

/// <summary>The kinds of record a data scope applies to.</summary>
public static class DataResources
{
    public const string Leads = "leads";
    public const string Customers = "customers";
    public const string Conversations = "conversations";
    public const string Campaigns = "campaigns";

    public static readonly IReadOnlyList<string> All = [Leads, Customers, Conversations, Campaigns];
}

/// <summary>
/// Where a person stands: the members of their own team, everyone below them (members of the
/// teams they lead and of those teams' sub-teams, and the people who report to them), and the
/// teams they lead (with the teams under those).
/// </summary>
public sealed record Position(IReadOnlySet<string> Team, IReadOnlySet<string> Below, IReadOnlySet<string> Led)
{
    public static Position Alone { get; } = new(new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
}

/// <summary>
/// The owners whose records a caller sees: every owner, or a set. Records nobody owns (the shared
/// pool) are seen by everyone who may read the resource at all: they belong to no one's team.
/// </summary>
public sealed record OwnerScope
{
    private OwnerScope(IReadOnlySet<string>? owners) => Owners = owners;

    public static OwnerScope All { get; } = new((IReadOnlySet<string>?)null);

    /// <summary>Null when every owner is in scope.</summary>
    public IReadOnlySet<string>? Owners { get; }

    public bool IsAll => Owners is null;

    public static OwnerScope Of(IEnumerable<string> owners) => new(new HashSet<string>(owners, StringComparer.Ordinal));

    public bool Includes(string? owner) => Owners is null || owner is null || Owners.Contains(owner);

    /// <summary>
    /// Keeps the rows in scope: <c>owner IS NULL OR owner IN (...)</c> as one parameterised list,
    /// or the query unchanged for <see cref="All"/>. Every module's list, detail, export and report
    /// query goes through this one filter.
    /// </summary>
    public IQueryable<T> Apply<T>(IQueryable<T> query, Expression<Func<T, string?>> owner)
    {
        if (Owners is null)
        {
            return query;
        }

        var owners = Owners.ToList();
        var parameter = owner.Parameters[0];
        var body = Expression.OrElse(
            Expression.Equal(owner.Body, Expression.Constant(null, typeof(string))),
            // A member of a constant, not the list itself: EF Core makes it a query parameter, so the
            // compiled query is cached once instead of once per list (a constant list recompiled every call).
            Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)],
                Expression.Property(Expression.Constant(new OwnerList(owners)), nameof(OwnerList.Values)), owner.Body));
        return query.Where(Expression.Lambda<Func<T, bool>>(body, parameter));
    }

    private sealed record OwnerList(List<string> Values);

    internal string Format(string resource) => Owners is null ? $"{resource}=*" : $"{resource}={string.Join(',', Owners.Order(StringComparer.Ordinal))}";

    /// <summary>
    /// The claim read back, once per distinct claim: every request of a person carries the same
    /// scope claims until their position changes, so a request does not rebuild the owner set.
    /// </summary>
    internal static (string Resource, OwnerScope Scope) Parse(string claim)
    {
        if (Parsed.TryGetValue(claim, out var known))
        {
            return known;
        }

        if (Parsed.Count >= MaxParsed)
        {
            Parsed.Clear();
        }

        return Parsed[claim] = ParseNew(claim);
    }

    private const int MaxParsed = 10_000;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string, OwnerScope)> Parsed = new(StringComparer.Ordinal);

    private static (string Resource, OwnerScope Scope) ParseNew(string claim)
    {
        var eq = claim.IndexOf('=', StringComparison.Ordinal);
        var resource = claim[..eq];
        var value = claim[(eq + 1)..];
        return (resource, value == "*" ? All : Of(value.Split(',', StringSplitOptions.RemoveEmptyEntries)));
    }
}

/// <summary>
/// Whose records a caller may change, as opposed to see: every record, or the records of some
/// owners plus the unowned records of some teams (a team lead acts on their team's pool).
/// </summary>
public sealed record ChangeScope(OwnerScope Owners, IReadOnlySet<string> Teams)
{
    public static ChangeScope All { get; } = new(OwnerScope.All, new HashSet<string>());

    public bool Allows(string? owner, string? team) =>
        Owners.IsAll || (owner is null ? team is not null && Teams.Contains(team) : Owners.Owners!.Contains(owner));

    internal string Format() => Owners.Owners is not { } owners ? "*"
        : string.Join(',', owners.Order(StringComparer.Ordinal)) + "|" + string.Join(',', Teams.Order(StringComparer.Ordinal));

    /// <summary>The claim read back, once per distinct claim (as <see cref="OwnerScope"/>'s).</summary>
    internal static ChangeScope Parse(string claim)
    {
        if (claim == "*")
        {
            return All;
        }

        if (Parsed.TryGetValue(claim, out var known))
        {
            return known;
        }

        if (Parsed.Count >= 10_000)
        {
            Parsed.Clear();
        }

        return Parsed[claim] = ParseNew(claim);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChangeScope> Parsed = new(StringComparer.Ordinal);

    private static ChangeScope ParseNew(string claim)
    {
        var bar = claim.IndexOf('|', StringComparison.Ordinal);
        return new ChangeScope(OwnerScope.Of(claim[..bar].Split(',', StringSplitOptions.RemoveEmptyEntries)),
            claim[(bar + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>The data-scope rule, in one place: what a person's roles and position let them reach.</summary>
public static class DataScopes
{
    /// <summary>
    /// The scope of one resource for a person with <paramref name="roles"/>: the widest reach any of
    /// their roles has there (<paramref name="reach"/>: role → resource → reach; a role that does not
    /// name the resource has <see cref="Reach.Own"/>). Whatever the reach, a person also sees what
    /// they own and what the people below them own: team leads see their teams, managers the teams
    /// under theirs.
    /// </summary>
    public static OwnerScope Resolve(string resource, string userId, IEnumerable<string> roles, Position position,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, Reach>> reach)
    {
        var widest = Reach.Own;
        foreach (var role in roles)
        {
            if (reach.TryGetValue(role, out var byResource) && byResource.TryGetValue(resource, out var r) && r > widest)
            {
                widest = r;
            }
        }

        if (widest == Reach.All)
        {
            return OwnerScope.All;
        }

        var owners = new HashSet<string>(StringComparer.Ordinal) { userId };
        owners.UnionWith(position.Below);
        if (widest == Reach.Team)
        {
            owners.UnionWith(position.Team);
        }

        return OwnerScope.Of(owners);
    }

    /// <summary>
    /// Whose records a person may change, whatever their reach lets them see: an admin every
    /// record; anyone else their own, those of the people below them (a team lead their team's, a
    /// manager the teams' under theirs) and the unowned records of the teams they lead. A teammate's
    /// record that a <see cref="Reach.Team"/> reach shows is seen, not changed.
    /// </summary>
    public static ChangeScope Changes(string userId, IEnumerable<string> roles, Position position)
    {
        if (roles.Contains(ScrmRoles.Admin, StringComparer.Ordinal))
        {
            return ChangeScope.All;
        }

        var owners = new HashSet<string>(position.Below, StringComparer.Ordinal) { userId };
        return new ChangeScope(OwnerScope.Of(owners), position.Led);
    }

    /// <summary>The claim that carries a resource's scope on the principal.</summary>
    public static string Claim(string resource, OwnerScope scope) => scope.Format(resource);

    /// <summary>The claim that carries whose records the principal may change.</summary>
    public static string Claim(ChangeScope scope) => scope.Format();
}
