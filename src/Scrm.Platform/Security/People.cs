namespace Scrm.Platform.Security;

/// <summary>A team as routing and assignment see it: who leads it, how work is shared, its members.</summary>
public sealed record TeamInfo(string Name, string Strategy, string? Lead, string? Parent, IReadOnlyList<MemberInfo> Members);

/// <summary>A team member as routing sees them (the person's availability and their share of the team's work).</summary>
public sealed record MemberInfo(
    string Id, int Weight, int Capacity, bool Active, DateTimeOffset? OutOfOfficeUntil, TimeOnly? WorkFrom, TimeOnly? WorkTo, double UtcOffsetHours);

/// <summary>The teams and their people, kept by the access module; routing and the inbox read them here.</summary>
public interface ITeamDirectory
{
    /// <summary>The teams as they are now (a snapshot; cheap to call on every decision).</summary>
    IReadOnlyList<TeamInfo> Teams { get; }

    /// <summary>The roles of an active person or service account; empty for someone unknown or deactivated.</summary>
    IReadOnlySet<string> RolesOf(string id);
}

/// <summary>
/// A module that holds records owned by people (leads, customers, conversations): when a person
/// leaves, their open records go to a successor. Returns how many records moved.
/// </summary>
public interface IOwnerHandover
{
    /// <summary>The kind of record, for the audit entry (<see cref="DataResources"/>).</summary>
    string Resource { get; }

    Task<int> HandOverAsync(string departing, string successor, string by, CancellationToken cancellationToken);
}
