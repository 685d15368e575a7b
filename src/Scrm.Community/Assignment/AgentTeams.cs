using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Scrm.Leads.Routing;
using Scrm.Platform.Security;

namespace Scrm.Community.Assignment;

/// <summary>
/// The community teams conversations are shared in: those configured under
/// <c>Scrm:Community:Assignment:Teams</c>, and the people directory's teams reduced to their members
/// with the community role. Rules (a channel as a skill) and the default team come from configuration.
/// </summary>
internal sealed class AgentTeams(IOptionsMonitor<CommunityOptions> options, ITeamDirectory? directory = null)
{
    // The tie-break of least-loaded sharing: the last agent given a conversation, per team, in this process.
    private readonly ConcurrentDictionary<string, TeamCursor> _cursors = new(StringComparer.Ordinal);

    public RoutingPlan Plan()
    {
        var settings = options.CurrentValue.Assignment;
        var teams = settings.Teams.Select(t => new SalesTeam(t.Name, t.Strategy,
            t.Agents.Select(a => new SalesRep(a.Id, 1, a.Capacity, a.Active, a.OutOfOfficeUntil,
                a.WorkFrom is { } from && a.WorkTo is { } to ? new WorkingHours(from, to) : null)).ToList(), t.TeamLead)).ToList();
        if (directory is not null)
        {
            foreach (var team in directory.Teams)
            {
                var agents = team.Members.Where(m => directory.RolesOf(m.Id).Contains(ScrmRoles.Community)).ToList();
                if (agents.Count > 0 && !teams.Exists(t => t.Name == team.Name))
                {
                    teams.Add(new SalesTeam(team.Name, RoutingStrategy.LeastLoaded, agents.ConvertAll(m => new SalesRep(m.Id, m.Weight, m.Capacity, m.Active, m.OutOfOfficeUntil,
                        m.WorkFrom is { } from && m.WorkTo is { } to ? new WorkingHours(from, to) : null, m.UtcOffsetHours)), team.Lead));
                }
            }
        }

        var rules = settings.Rules.Select(r => new RoutingRule(r.Name, r.Team, Channel: r.Channel)).ToList();
        return new RoutingPlan(rules, teams, settings.DefaultTeam ?? teams.FirstOrDefault()?.Name);
    }

    public TeamCursor CursorOf(string team) => _cursors.GetValueOrDefault(team, TeamCursor.Start);

    public void Advance(string team, TeamCursor cursor) => _cursors[team] = cursor;

    /// <summary>Whether <paramref name="id"/> may be given conversations: an agent of a community team, or a person with the community role.</summary>
    public bool IsAgent(string id, RoutingPlan plan) =>
        plan.Teams.Any(t => t.Reps.Any(r => r.Id == id && r.Active)) || directory?.RolesOf(id).Contains(ScrmRoles.Community) == true;

    /// <summary>
    /// Who hears of a team's late first responses: its lead, then its manager (configured, or the
    /// lead of the directory team above it).
    /// </summary>
    public (string? TeamLead, string? Manager) EscalationOf(string? team)
    {
        if (team is null)
        {
            return (null, null);
        }

        if (options.CurrentValue.Assignment.Teams.Find(t => t.Name == team) is { } configured)
        {
            return (configured.TeamLead, configured.Manager);
        }

        var teams = directory?.Teams ?? [];
        var info = teams.FirstOrDefault(t => t.Name == team);
        var parent = info?.Parent is { } p ? teams.FirstOrDefault(t => t.Name == p) : null;
        return (info?.Lead, parent?.Lead);
    }

    public static string? TeamOf(string agent, RoutingPlan plan) => plan.Teams.FirstOrDefault(t => t.Reps.Any(r => r.Id == agent))?.Name;
}
