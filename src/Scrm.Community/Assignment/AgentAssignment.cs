using Scrm.Leads.Routing;

namespace Scrm.Community.Assignment;

/// <summary>
/// Who answers a conversation: the agent who already answers this customer (their community owner)
/// first, then the team the channel's rule names (a channel is a skill), shared among the agents who
/// are active, in the office, within working hours and under capacity — the routing engine's decision,
/// with a conversation as the thing routed. Pure.
/// </summary>
internal static class AgentAssignment
{
    public static RoutingDecision Decide(
        string channel, string? communityOwner, RoutingPlan plan, Func<string, TeamCursor> cursorOf, IReadOnlyDictionary<string, int> openConversations, DateTimeOffset now) =>
        Router.Route(new RoutingLead(Channel: channel, ExistingOwner: communityOwner), plan, cursorOf, openConversations, now);
}
