namespace Scrm.Leads.Routing;

/// <summary>
/// Decides who gets a lead: a known customer's owner first, then the rep who entered it and asked to
/// keep it, then the first matching rule's team,
/// shared among the reps who are active, in the office, within working hours and under capacity by
/// the team's strategy. Pure: the caller stores the returned cursor with the assignment.
/// </summary>
public static class Router
{
    public static RoutingDecision Route(
        RoutingLead lead,
        RoutingPlan plan,
        Func<string, TeamCursor> cursorOf,
        IReadOnlyDictionary<string, int> openLeads,
        DateTimeOffset now)
    {
        var reasons = new List<string>();
        if (lead.ExistingOwner is { } owner)
        {
            var rep = plan.Teams.SelectMany(t => t.Reps).FirstOrDefault(r => r.Id == owner);
            if (rep is { Active: true })
            {
                reasons.Add($"a known customer goes to their owner {owner}");
                if (rep.OutOfOfficeUntil > now)
                {
                    reasons.Add($"{owner} is out of the office until {rep.OutOfOfficeUntil:yyyy-MM-dd HH:mm}");
                }

                return new RoutingDecision(owner, plan.Teams.FirstOrDefault(t => t.Reps.Contains(rep))?.Name, reasons, null);
            }

            reasons.Add($"the customer's owner {owner} is no longer active");
        }

        if (lead.RequestedOwner is { } keeper)
        {
            // A rep who entered the lead by hand (a call, a business card) and asked to keep it gets it, whatever the rules say.
            reasons.Add($"{keeper} entered the lead and keeps it");
            return new RoutingDecision(keeper, plan.Teams.FirstOrDefault(t => t.Reps.Any(r => r.Id == keeper))?.Name, reasons, null);
        }

        var rule = plan.Rules.FirstOrDefault(r => r.Matches(lead));
        var teamName = rule?.Team ?? plan.DefaultTeam;
        reasons.Add(rule is null ? $"no rule matched; default team {teamName ?? "(none)"}" : $"rule '{rule.Name}' sends it to team {rule.Team}");
        var team = plan.Teams.FirstOrDefault(t => t.Name == teamName);
        if (team is null)
        {
            reasons.Add("no such team: the lead goes to the shared pool");
            return new RoutingDecision(null, teamName, reasons, null);
        }

        var eligible = new List<SalesRep>();
        var full = new List<string>();
        foreach (var rep in team.Reps)
        {
            var load = openLeads.GetValueOrDefault(rep.Id);
            if (!rep.Active)
            {
                reasons.Add($"{rep.Id} is inactive");
            }
            else if (rep.OutOfOfficeUntil > now)
            {
                reasons.Add($"{rep.Id} is out of the office");
            }
            else if (rep.WorkingHours is { } hours && !hours.Contains(now.ToOffset(TimeSpan.FromHours(rep.UtcOffsetHours))))
            {
                reasons.Add($"{rep.Id} is outside working hours");
            }
            else if (load >= rep.Capacity)
            {
                reasons.Add($"{rep.Id} is at capacity ({load}/{rep.Capacity})");
                full.Add(rep.Id);
            }
            else
            {
                eligible.Add(rep);
            }
        }

        if (eligible.Count == 0)
        {
            reasons.Add(full.Count > 0
                ? $"nobody in team {team.Name} can take it now ({string.Join(", ", full)} at capacity): the lead goes to the shared pool and the team lead is told"
                : $"nobody in team {team.Name} can take it now: the lead goes to the shared pool");
            return new RoutingDecision(null, team.Name, reasons, null) { AtCapacity = full };
        }

        var cursor = cursorOf(team.Name);
        var (chosen, next) = team.Strategy switch
        {
            RoutingStrategy.RoundRobin => RoundRobin(team, eligible, cursor),
            RoutingStrategy.Weighted => Weighted(eligible, cursor),
            RoutingStrategy.LeastLoaded => LeastLoaded(team, eligible, cursor, openLeads),
            _ => throw new ArgumentOutOfRangeException(nameof(plan), team.Strategy, "Unknown routing strategy."),
        };
        reasons.Add(team.Strategy switch
        {
            RoutingStrategy.RoundRobin => $"round robin in team {team.Name}: {chosen.Id} is next",
            RoutingStrategy.Weighted => $"weighted sharing in team {team.Name}: {chosen.Id} (weight {chosen.Weight})",
            _ => $"least loaded in team {team.Name}: {chosen.Id} holds {openLeads.GetValueOrDefault(chosen.Id)} open leads",
        });
        return new RoutingDecision(chosen.Id, team.Name, reasons, next);
    }

    /// <summary>The next eligible rep after the last one given a lead, in team order.</summary>
    private static (SalesRep, TeamCursor) RoundRobin(SalesTeam team, List<SalesRep> eligible, TeamCursor cursor)
    {
        var last = cursor.LastRep is null ? -1 : IndexOf(team, cursor.LastRep);
        for (var step = 1; step <= team.Reps.Count; step++)
        {
            var candidate = team.Reps[(last + step + team.Reps.Count) % team.Reps.Count];
            if (eligible.Contains(candidate))
            {
                return (candidate, cursor with { LastRep = candidate.Id });
            }
        }

        return (eligible[0], cursor with { LastRep = eligible[0].Id });
    }

    /// <summary>Smooth weighted round robin: over any window, shares match weights and no rep gets a burst.</summary>
    private static (SalesRep, TeamCursor) Weighted(List<SalesRep> eligible, TeamCursor cursor)
    {
        var weights = eligible.ToDictionary(r => r.Id, r => cursor.CurrentWeights.GetValueOrDefault(r.Id) + Math.Max(1, r.Weight));
        var total = eligible.Sum(r => Math.Max(1, r.Weight));
        var chosen = eligible.MaxBy(r => (weights[r.Id], -eligible.IndexOf(r)))!;
        weights[chosen.Id] -= total;
        return (chosen, new TeamCursor(chosen.Id, weights));
    }

    /// <summary>Fewest open leads relative to capacity; ties go round robin so equals share evenly.</summary>
    private static (SalesRep, TeamCursor) LeastLoaded(SalesTeam team, List<SalesRep> eligible, TeamCursor cursor, IReadOnlyDictionary<string, int> openLeads)
    {
        var least = eligible.Min(r => openLeads.GetValueOrDefault(r.Id));
        var tied = eligible.Where(r => openLeads.GetValueOrDefault(r.Id) == least).ToList();
        return RoundRobin(team, tied, cursor);
    }

    private static int IndexOf(SalesTeam team, string repId)
    {
        for (var i = 0; i < team.Reps.Count; i++)
        {
            if (team.Reps[i].Id == repId)
            {
                return i;
            }
        }

        return -1;
    }
}
