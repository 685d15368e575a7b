using System.ComponentModel.DataAnnotations;
using Scrm.Leads.Routing;

namespace Scrm.Community;

/// <summary><c>Scrm:Community:Assignment</c>: the community teams, channel rules and the default team.</summary>
internal sealed class AssignmentOptions
{
    public List<AgentTeamOptions> Teams { get; set; } = [];

    /// <summary>In order; the first whose channel matches picks the team (the channel as a skill).</summary>
    public List<AgentRuleOptions> Rules { get; set; } = [];

    /// <summary>The team for conversations no rule matches; the first team when unset.</summary>
    public string? DefaultTeam { get; set; }
}

internal sealed class AgentTeamOptions
{
    [Required]
    public string Name { get; set; } = "";

    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.LeastLoaded;

    /// <summary>Receives escalations.</summary>
    public string? TeamLead { get; set; }

    /// <summary>Receives the escalations the team lead let pass (a first response still missing well after its due time).</summary>
    public string? Manager { get; set; }

    public List<AgentOptions> Agents { get; set; } = [];
}

internal sealed class AgentOptions
{
    /// <summary>The agent's id: their user name or the <c>Name</c> of their API key, so "assignee=me" finds them.</summary>
    [Required]
    public string Id { get; set; } = "";

    /// <summary>Most open conversations the agent holds; past it they get no new ones.</summary>
    public int Capacity { get; set; } = 200;

    public bool Active { get; set; } = true;

    public DateTimeOffset? OutOfOfficeUntil { get; set; }

    public TimeOnly? WorkFrom { get; set; }

    public TimeOnly? WorkTo { get; set; }
}

internal sealed class AgentRuleOptions
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string Team { get; set; } = "";

    public string? Channel { get; set; }
}
