using Microsoft.AspNetCore.Identity;
using Scrm.Platform.Security;

namespace Scrm.Access.Storage;

/// <summary>
/// A person who signs in, or a service account that only holds API keys. The id is the login
/// name and is also the owner id on leads and customers (before people were data, a rep was the
/// name of their API key: the same string), so it never changes.
/// </summary>
internal sealed class AccessUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary><c>person</c> or <c>service</c> (holds keys, never signs in).</summary>
    public string Kind { get; set; } = UserKinds.Person;

    public string? Team { get; set; }

    public string? Manager { get; set; }

    public bool Active { get; set; } = true;

    public long? OutOfOfficeUntil { get; set; }

    public TimeOnly? WorkFrom { get; set; }

    public TimeOnly? WorkTo { get; set; }

    public double UtcOffsetHours { get; set; } = 8;

    public long CreatedAt { get; set; }
}

internal static class UserKinds
{
    public const string Person = "person";
    public const string Service = "service";
}

internal sealed class TeamRow
{
    public string Name { get; set; } = "";
    public string Strategy { get; set; } = "RoundRobin";
    public string? Lead { get; set; }
    public string? Parent { get; set; }
}

internal sealed class TeamMemberRow
{
    public string Team { get; set; } = "";
    public string UserId { get; set; } = "";
    public int Weight { get; set; } = 1;
    public int Capacity { get; set; } = 1_000;
}

/// <summary>An API key: only its SHA-256 digest is kept; the key itself is shown once, at creation.</summary>
internal sealed class ApiKeyRow
{
    public string Id { get; set; } = "";
    public string Digest { get; set; } = "";
    public string Name { get; set; } = "";
    public string Owner { get; set; } = "";

    /// <summary>The roles the key acts with, comma separated.</summary>
    public string Roles { get; set; } = "";
    public long CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public long? LastUsedAt { get; set; }
    public long? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
}

internal sealed class RoleReachRow
{
    public string Role { get; set; } = "";
    public string Resource { get; set; } = "";
    public Reach Reach { get; set; }
}

/// <summary>
/// A deactivated person whose records are still being handed over: written with the deactivation,
/// removed by the last handover pass, so a handover cut short is finished later, never forgotten.
/// </summary>
internal sealed class HandoverRow
{
    public string UserId { get; set; } = "";
    public string Successor { get; set; } = "";
    public string By { get; set; } = "";
    public long RequestedAt { get; set; }
}
