using Scrm.Leads.Routing;

namespace Scrm.Leads.Tests;

public sealed class RouterTests
{
    private static readonly DateTimeOffset Wednesday10 = new(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(8));

    private static RoutingPlan Plan(RoutingStrategy strategy, params SalesRep[] reps) => new(
        [
            new RoutingRule("华东 VIP", "vip", Province: "上海", ValueTier: "high_value"),
            new RoutingRule("华东", "east", Province: "上海"),
            new RoutingRule("微信渠道", "social", Channel: "wechat"),
        ],
        [
            new SalesTeam("east", strategy, reps.Length > 0 ? reps : [new SalesRep("a"), new SalesRep("b"), new SalesRep("c")], TeamLead: "lead-east"),
            new SalesTeam("vip", RoutingStrategy.RoundRobin, [new SalesRep("v1")]),
            new SalesTeam("social", RoutingStrategy.RoundRobin, [new SalesRep("s1"), new SalesRep("s2")]),
            new SalesTeam("general", RoutingStrategy.RoundRobin, [new SalesRep("g1")]),
        ],
        DefaultTeam: "general");

    private static RoutingDecision Route(RoutingPlan plan, RoutingLead lead, TeamCursor? cursor = null, Dictionary<string, int>? loads = null, DateTimeOffset? now = null) =>
        Router.Route(lead, plan, _ => cursor ?? TeamCursor.Start, loads ?? [], now ?? Wednesday10);

    [Theory]
    [InlineData("上海", "high_value", "web", "vip")]
    [InlineData("上海", "general", "web", "east")]
    [InlineData("北京", null, "wechat", "social")]
    [InlineData("北京", null, "web", "general")]
    [InlineData(null, null, null, "general")]
    public void Rules_are_evaluated_in_order_and_the_first_match_picks_the_team(string? province, string? tier, string? channel, string team)
    {
        var decision = Route(Plan(RoutingStrategy.RoundRobin), new RoutingLead(Province: province, ValueTier: tier, Channel: channel));
        decision.Team.ShouldBe(team);
        decision.Owner.ShouldNotBeNull();
        decision.Reasons.ShouldNotBeEmpty();
    }

    [Fact]
    public void A_rep_who_entered_a_lead_and_keeps_it_gets_it_past_the_rules_but_a_customers_active_owner_comes_first()
    {
        var plan = Plan(RoutingStrategy.RoundRobin);
        var kept = Route(plan, new RoutingLead(Province: "上海", RequestedOwner: "b"));
        (kept.Owner, kept.Team, kept.Cursor).ShouldBe(("b", "east", (TeamCursor?)null));
        kept.Reasons.ShouldBe(["b entered the lead and keeps it"]);

        // Someone in no team keeps it too, in no team.
        Route(plan, new RoutingLead(RequestedOwner: "outsider")).ShouldSatisfyAllConditions(d => d.Owner.ShouldBe("outsider"), d => d.Team.ShouldBeNull());

        Route(plan, new RoutingLead(Province: "上海", ExistingOwner: "v1", RequestedOwner: "b")).Owner.ShouldBe("v1");
        var ownerGone = Route(plan, new RoutingLead(Province: "上海", ExistingOwner: "gone", RequestedOwner: "b"));
        ownerGone.Owner.ShouldBe("b");
        ownerGone.Reasons.ShouldBe(["the customer's owner gone is no longer active", "b entered the lead and keeps it"]);
    }

    [Fact]
    public void Round_robin_takes_turns_in_team_order()
    {
        var plan = Plan(RoutingStrategy.RoundRobin);
        var cursor = TeamCursor.Start;
        var owners = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var d = Route(plan, new RoutingLead(Province: "上海"), cursor);
            owners.Add(d.Owner!);
            cursor = d.Cursor!;
        }

        owners.ShouldBe(["a", "b", "c", "a", "b", "c", "a"]);
    }

    [Fact]
    public void Weighted_sharing_matches_the_weights_without_bursts()
    {
        var plan = Plan(RoutingStrategy.Weighted, new SalesRep("a", Weight: 5), new SalesRep("b", Weight: 1), new SalesRep("c", Weight: 1));
        var cursor = TeamCursor.Start;
        var owners = new List<string>();
        for (var i = 0; i < 70; i++)
        {
            var d = Route(plan, new RoutingLead(Province: "上海"), cursor);
            owners.Add(d.Owner!);
            cursor = d.Cursor!;
        }

        owners.Count(o => o == "a").ShouldBe(50);
        owners.Count(o => o == "b").ShouldBe(10);
        owners.Count(o => o == "c").ShouldBe(10);
        owners.Take(7).ShouldBe(["a", "a", "b", "a", "c", "a", "a"]);
    }

    [Fact]
    public void Least_loaded_picks_the_rep_with_fewest_open_leads_and_skips_reps_at_capacity()
    {
        var plan = Plan(RoutingStrategy.LeastLoaded, new SalesRep("a", Capacity: 3), new SalesRep("b", Capacity: 10), new SalesRep("c", Capacity: 10));
        Route(plan, new RoutingLead(Province: "上海"), loads: new() { ["a"] = 1, ["b"] = 4, ["c"] = 2 }).Owner.ShouldBe("a");
        var atCapacity = Route(plan, new RoutingLead(Province: "上海"), loads: new() { ["a"] = 3, ["b"] = 4, ["c"] = 5 });
        atCapacity.Owner.ShouldBe("b");
        atCapacity.Reasons.ShouldContain("a is at capacity (3/3)");
    }

    [Fact]
    public void Out_of_office_and_after_hours_reps_are_passed_over()
    {
        var plan = Plan(RoutingStrategy.RoundRobin,
            new SalesRep("away", OutOfOfficeUntil: Wednesday10.AddDays(5)),
            new SalesRep("night", WorkingHours: new WorkingHours(new TimeOnly(20, 0), new TimeOnly(23, 0))),
            new SalesRep("day", WorkingHours: new WorkingHours(new TimeOnly(9, 0), new TimeOnly(18, 0))));
        var decision = Route(plan, new RoutingLead(Province: "上海"));
        decision.Owner.ShouldBe("day");
        decision.Reasons.ShouldContain("away is out of the office");
        decision.Reasons.ShouldContain("night is outside working hours");

        var saturday = Route(plan, new RoutingLead(Province: "上海"), now: Wednesday10.AddDays(3));
        saturday.Owner.ShouldBeNull();
        saturday.Reasons[^1].ShouldContain("shared pool");
    }

    [Fact]
    public void A_known_customer_goes_to_their_owner_even_out_of_office_but_not_after_they_left()
    {
        var plan = Plan(RoutingStrategy.RoundRobin,
            new SalesRep("owner", OutOfOfficeUntil: Wednesday10.AddDays(1)), new SalesRep("gone", Active: false), new SalesRep("other"));
        var toOwner = Route(plan, new RoutingLead(Province: "北京", ExistingOwner: "owner"));
        toOwner.Owner.ShouldBe("owner");
        toOwner.Reasons[0].ShouldBe("a known customer goes to their owner owner");
        toOwner.Reasons[1].ShouldStartWith("owner is out of the office until");

        var ownerGone = Route(plan, new RoutingLead(Province: "上海", ExistingOwner: "gone"));
        ownerGone.Owner.ShouldBe("other");
        ownerGone.Reasons[0].ShouldBe("the customer's owner gone is no longer active");
    }

    [Fact]
    public void A_lead_for_a_missing_team_goes_to_the_pool()
    {
        var plan = new RoutingPlan([new RoutingRule("all", "nobody")], [], DefaultTeam: null);
        var decision = Router.Route(new RoutingLead(), plan, _ => TeamCursor.Start, new Dictionary<string, int>(), Wednesday10);
        decision.Owner.ShouldBeNull();
        decision.Reasons[^1].ShouldBe("no such team: the lead goes to the shared pool");
    }
}
