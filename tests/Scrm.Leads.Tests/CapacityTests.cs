using Microsoft.EntityFrameworkCore;
using Scrm.Leads.Api;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

/// <summary>A team whose reps are all at capacity: the simulator says so, and the team lead hears of each lead that goes to the pool for it.</summary>
public sealed class CapacityTests
{
    [Fact]
    public async Task A_lead_pooled_because_every_rep_is_at_capacity_is_explained_and_the_team_lead_is_notified_once()
    {
        var settings = RoutingConcurrencyTests.Team();
        for (var i = 0; i < 4; i++)
        {
            settings[$"Scrm:Leads:Teams:0:Reps:{i}:Capacity"] = "1";
        }

        await using var host = await ModuleHost.StartAsync(StorageUnderTest.Sqlite, (s, c) => s.AddScrmLeads(c), settings);
        var intake = host.Get<LeadIntake>();
        var routing = host.Get<LeadRouting>();
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 4; i++)
        {
            var lead = await intake.IntakeAsync(new LeadDraft($"test:{i}", "web", Phone: $"+86138000000{i:D2}"), ct);
            (await routing.RouteAsync(lead.LeadId, "test", ct)).Owner.ShouldNotBeNull();
        }

        var simulated = await routing.SimulateAsync(new RoutingLead(), ct);
        simulated.Owner.ShouldBeNull();
        simulated.Reasons.ShouldContain("rep-a is at capacity (1/1)");
        simulated.Reasons[^1].ShouldBe("nobody in team sales can take it now (rep-a, rep-b, rep-c, rep-d at capacity): the lead goes to the shared pool and the team lead is told");

        var fifth = await intake.IntakeAsync(new LeadDraft("test:5", "web", Phone: "+8613800000005"), ct);
        (await routing.RouteAsync(fifth.LeadId, "test", ct)).Owner.ShouldBeNull();

        var notes = await host.Get<LeadQueries>().NotificationsAsync("boss", 0, ct);
        var note = notes.ShouldHaveSingleItem();
        (note.Kind, note.LeadId).ShouldBe(("capacity", fifth.LeadId));
        note.Text.ShouldBe($"线索 #{fifth.LeadId} 已进入公海：团队 sales 的 rep-a、rep-b、rep-c、rep-d 已达到未结线索上限");
    }
}
