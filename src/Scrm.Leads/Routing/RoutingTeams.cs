using Microsoft.Extensions.Options;
using Scrm.Platform.Security;

namespace Scrm.Leads.Routing;

/// <summary>
/// The teams routing works with: the people directory's teams when the access module keeps them
/// (configuration seeded them on first start), otherwise <c>Scrm:Leads:Teams</c> as configured.
/// The rules and the default team always come from configuration.
/// </summary>
public sealed class RoutingTeams(IOptionsMonitor<LeadsOptions> options, ITeamDirectory? directory = null)
{
    public RoutingPlan Plan()
    {
        var settings = options.CurrentValue;
        return directory is null ? settings.ToPlan() : settings.ToPlan(directory.Teams.Select(FromDirectory).ToList());
    }

    /// <summary>Who receives a team's escalations and big-deal alerts.</summary>
    public string? TeamLead(string? team) =>
        team is null ? null
        : directory is null ? options.CurrentValue.Teams.FirstOrDefault(t => t.Name == team)?.TeamLead
        : directory.Teams.FirstOrDefault(t => t.Name == team)?.Lead;

    /// <summary>
    /// Whether <paramref name="rep"/> is someone who can own leads: a rep or team lead of a team, or
    /// (with the people directory) an active person with the sales or admin role.
    /// </summary>
    public bool IsKnownRep(string rep)
    {
        if (directory is null)
        {
            return options.CurrentValue.Teams.Any(t => t.TeamLead == rep || t.Reps.Any(r => r.Id == rep));
        }

        var roles = directory.RolesOf(rep);
        return roles.Contains(ScrmRoles.Sales) || roles.Contains(ScrmRoles.Admin)
            || (roles.Count > 0 && directory.Teams.Any(t => t.Lead == rep || t.Members.Any(m => m.Id == rep)));
    }

    internal static SalesTeam FromDirectory(TeamInfo team) => new(
        team.Name,
        Enum.TryParse<RoutingStrategy>(team.Strategy, ignoreCase: true, out var strategy) ? strategy : RoutingStrategy.RoundRobin,
        team.Members.Select(m => new SalesRep(m.Id, m.Weight, m.Capacity, m.Active, m.OutOfOfficeUntil,
            m.WorkFrom is { } from && m.WorkTo is { } to ? new WorkingHours(from, to) : null, m.UtcOffsetHours)).ToList(),
        team.Lead);
}
