using System.Security.Claims;
using Scrm.Platform.Security;

namespace Scrm.Leads.Ownership;

/// <summary>Who is acting on a lead: their key's name (the rep id) and whether they administer.</summary>
public sealed record Actor(string Name, bool IsAdmin)
{
    public static Actor From(ClaimsPrincipal user) => new(user.Identity?.Name ?? "unknown", user.IsInRole(ScrmRoles.Admin));

    /// <summary>A workflow or the sweep acting on its own.</summary>
    public static Actor System(string name) => new(name, IsAdmin: true);
}

/// <summary>
/// The minimum ownership rule, kept in this one place until data scopes replace it: a lead is
/// changed by its owner, the team lead of its team (or of the owner's team), or an admin. Pure.
/// </summary>
public static class LeadAccess
{
    public static bool MayChange(Actor actor, string? owner, string? team, IReadOnlyList<TeamOptions> teams) =>
        actor.IsAdmin
        || (owner is not null && owner == actor.Name)
        || teams.Any(t => t.TeamLead == actor.Name && (t.Name == team || (owner is not null && t.Reps.Any(r => r.Id == owner))));

    /// <summary>Whether <paramref name="rep"/> is someone who can own leads: a rep or team lead of a configured team, or a sales or admin key's name.</summary>
    public static bool IsKnownRep(string rep, IReadOnlyList<TeamOptions> teams, ApiKeyStore? keys) =>
        teams.Any(t => t.TeamLead == rep || t.Reps.Any(r => r.Id == rep))
        || keys?.Holders.Any(k => k.Name == rep && k.Role is ScrmRoles.Sales or ScrmRoles.Admin) == true;
}
