using Scrm.Community.Assignment;
using Scrm.Leads.Routing;

namespace Scrm.Community.Tests;

/// <summary>Who answers a conversation: the customer's community owner first, then the channel's team, least loaded among those who can.</summary>
public sealed class AgentAssignmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 3, 10, 0, 0, TimeSpan.FromHours(8));

    private static RoutingPlan Plan(params SalesRep[] care) => new(
        [new RoutingRule("weibo is public", "social", Channel: "weibo")],
        [
            new SalesTeam("care", RoutingStrategy.LeastLoaded, care.Length > 0 ? care : [new SalesRep("a"), new SalesRep("b"), new SalesRep("c")], "lead"),
            new SalesTeam("social", RoutingStrategy.LeastLoaded, [new SalesRep("s1"), new SalesRep("s2")], "lead"),
        ],
        "care");

    public static TheoryData<string, string?, string, string?> Cases() => new()
    {
        // channel, the customer's community owner, loads "agent=n,...", who gets it
        { "wechat", null, "a=3,b=1,c=2", "b" },          // least loaded
        { "wechat", "c", "a=0,b=0,c=9", "c" },          // the agent who already answers this customer
        { "wechat", "gone", "a=2,b=1,c=1", "b" },       // an owner no longer an agent: shared again (ties go round robin from the start)
        { "weibo", null, "s1=4,s2=3,a=0", "s2" },       // Weibo is the social team's skill
        { "wecom", null, "a=1,b=1,c=0", "c" },          // no rule: the default team
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_conversation_goes_to_exactly_one_agent(string channel, string? owner, string loads, string? expected)
    {
        var open = loads.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

        var decision = AgentAssignment.Decide(channel, owner, Plan(), _ => TeamCursor.Start, open, Now);

        decision.Owner.ShouldBe(expected);
        decision.Reasons.ShouldNotBeEmpty();
    }

    [Fact]
    public void Agents_out_of_office_inactive_or_at_capacity_are_passed_over_and_with_nobody_left_nobody_is_chosen()
    {
        var plan = Plan(new SalesRep("a", OutOfOfficeUntil: Now.AddDays(1)), new SalesRep("b", Active: false), new SalesRep("c", Capacity: 2));
        var loads = new Dictionary<string, int> { ["c"] = 1 };

        AgentAssignment.Decide("wechat", null, plan, _ => TeamCursor.Start, loads, Now).Owner.ShouldBe("c");
        loads["c"] = 2;
        var none = AgentAssignment.Decide("wechat", null, plan, _ => TeamCursor.Start, loads, Now);
        none.Owner.ShouldBeNull();
        none.Reasons.ShouldContain(r => r.Contains("capacity", StringComparison.Ordinal));
    }
}
