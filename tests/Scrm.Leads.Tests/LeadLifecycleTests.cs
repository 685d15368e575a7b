using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Scrm.Leads.Api;
using Scrm.Leads.FollowUps;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Leads.Storage;
using Scrm.Platform.Security;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

/// <summary>Reminders, escalation, the shared pool, claims, handover and the handoff to service, on real SQLite with a fake clock.</summary>
public sealed class LeadLifecycleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
    private static readonly Caller Admin = new("admin", ScrmRoles.Admin);
    private ModuleHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ModuleHost.StartAsync(StorageUnderTest.Sqlite, (s, c) => s.AddScrmLeads(c), RoutingConcurrencyTests.Team(), _time);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<long> RoutedLeadAsync(string key)
    {
        var id = (await _host.Get<LeadIntake>().IntakeAsync(new LeadDraft(key, "web", Phone: "+8613800138000", CustomerKey: $"phone:{key}"), TestContext.Current.CancellationToken)).LeadId;
        (await _host.Get<LeadRouting>().RouteAsync(id, "test", TestContext.Current.CancellationToken)).Owner.ShouldNotBeNull();
        return id;
    }

    private async Task<List<Notification>> NotificationsAsync(string who) =>
        [.. await _host.Get<LeadQueries>().NotificationsAsync(who, 0, TestContext.Current.CancellationToken)];

    [Fact]
    public async Task A_due_follow_up_reminds_its_owner_then_escalates_then_the_untouched_lead_returns_to_the_pool()
    {
        var id = await RoutedLeadAsync("sweep");
        var owner = (await _host.Get<LeadQueries>().DetailAsync(id, TestContext.Current.CancellationToken))!.Owner!;
        var sweep = _host.Get<LeadSweep>();

        (await sweep.RunAsync(TestContext.Current.CancellationToken)).ShouldBe(new SweepResult(0, 0, 0));
        _time.Advance(TimeSpan.FromHours(25));
        (await sweep.RunAsync(TestContext.Current.CancellationToken)).ShouldBe(new SweepResult(1, 0, 0));
        (await sweep.RunAsync(TestContext.Current.CancellationToken)).ShouldBe(new SweepResult(0, 0, 0));
        (await NotificationsAsync(owner)).ShouldContain(n => n.Kind == "reminder" && n.LeadId == id);

        _time.Advance(TimeSpan.FromHours(24));
        (await sweep.RunAsync(TestContext.Current.CancellationToken)).ShouldBe(new SweepResult(0, 1, 0));
        (await NotificationsAsync("boss")).ShouldContain(n => n.Kind == "overdue" && n.LeadId == id);

        _time.Advance(TimeSpan.FromDays(2));
        (await sweep.RunAsync(TestContext.Current.CancellationToken)).ShouldBe(new SweepResult(0, 0, 1));
        var pooled = (await _host.Get<LeadQueries>().DetailAsync(id, TestContext.Current.CancellationToken))!;
        pooled.Owner.ShouldBeNull();
        pooled.Pooled.ShouldBeTrue();
        pooled.Assignments.Select(a => a.Kind).ShouldBe(["routed", "pooled"]);
    }

    [Fact]
    public async Task A_pooled_lead_is_claimed_by_exactly_one_rep()
    {
        var id = await RoutedLeadAsync("claim");
        _time.Advance(TimeSpan.FromDays(4));
        await _host.Get<LeadSweep>().RunAsync(TestContext.Current.CancellationToken);

        var routing = _host.Get<LeadRouting>();
        var claims = await Task.WhenAll(new[] { "rep-a", "rep-b", "rep-c", "rep-d" }.Select(rep => routing.ClaimAsync(id, rep, TestContext.Current.CancellationToken)));
        claims.Count(c => c).ShouldBe(1);
        var lead = (await _host.Get<LeadQueries>().DetailAsync(id, TestContext.Current.CancellationToken))!;
        lead.Assignments[^1].Kind.ShouldBe("claimed");
        lead.Owner.ShouldBe(lead.Assignments[^1].Owner);
    }

    [Fact]
    public async Task A_departing_rep_hands_every_open_lead_to_the_successor_in_one_audited_step()
    {
        var ids = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await RoutedLeadAsync($"handover-{i}"));
        }

        var queries = _host.Get<LeadQueries>();
        var owned = (await queries.QueueAsync("rep-a", null, null, null, null, 100, TestContext.Current.CancellationToken)).Items.Count;
        owned.ShouldBeGreaterThan(0);
        var routing = _host.Get<LeadRouting>();
        (await routing.HandOverAsync("rep-a", "rep-nobody", Admin.Name, TestContext.Current.CancellationToken)).ShouldBeNull();
        (await queries.QueueAsync("rep-a", null, null, null, null, 100, TestContext.Current.CancellationToken)).Items.Count.ShouldBe(owned);

        (await routing.HandOverAsync("rep-a", "boss", Admin.Name, TestContext.Current.CancellationToken))!.Leads.ShouldBe(owned);
        (await queries.QueueAsync("rep-a", null, null, null, null, 100, TestContext.Current.CancellationToken)).Items.ShouldBeEmpty();
        (await queries.QueueAsync("boss", null, null, null, null, 100, TestContext.Current.CancellationToken)).Items.Count.ShouldBe(owned);
        (await NotificationsAsync("boss")).ShouldContain(n => n.Kind == "handover");
    }

    [Fact]
    public async Task The_first_payment_hands_the_customer_to_service_once()
    {
        var id = await RoutedLeadAsync("paid");
        var work = _host.Get<LeadWork>();
        var paidAt = _time.GetUtcNow();
        (await work.RecordPaymentAsync(id, "pay-1", 12_000m, paidAt, Admin, TestContext.Current.CancellationToken)).ShouldBe(ChangeResult.Done);
        (await work.RecordPaymentAsync(id, "pay-1", 12_000m, paidAt, Admin, TestContext.Current.CancellationToken)).ShouldBe(ChangeResult.Done);
        (await work.RecordPaymentAsync(id, "pay-2", 3_000m, paidAt.AddDays(1), Admin, TestContext.Current.CancellationToken)).ShouldBe(ChangeResult.Done);

        var lead = (await _host.Get<LeadQueries>().DetailAsync(id, TestContext.Current.CancellationToken))!;
        lead.PaidAmount.ShouldBe(15_000m);
        lead.OnboardingTasks.Count.ShouldBe(3);
        lead.OnboardingTasks.ShouldAllBe(t => t.SalesOwner == lead.Owner);
        lead.FollowUps.Where(f => f.Reason == "afterOrder").Select(f => f.Due).ShouldBe([paidAt.AddDays(5), paidAt.AddDays(15)]);
    }

    [Fact]
    public async Task A_customer_with_an_open_lead_gets_the_new_item_attached_not_a_second_lead()
    {
        var intake = _host.Get<LeadIntake>();
        var first = await intake.IntakeAsync(new LeadDraft("a1", "web", CustomerKey: "phone:+8613700000000"), TestContext.Current.CancellationToken);
        var again = await intake.IntakeAsync(new LeadDraft("a2", "wechat", CustomerKey: "phone:+8613700000000"), TestContext.Current.CancellationToken);
        var redelivered = await intake.IntakeAsync(new LeadDraft("a2", "wechat", CustomerKey: "phone:+8613700000000"), TestContext.Current.CancellationToken);

        first.Outcome.ShouldBe(IntakeOutcome.Created);
        again.ShouldBe(first with { Outcome = IntakeOutcome.Attached, Score = again.Score });
        redelivered.Outcome.ShouldBe(IntakeOutcome.AlreadyTaken);
        var lead = (await _host.Get<LeadQueries>().DetailAsync(first.LeadId, TestContext.Current.CancellationToken))!;
        lead.Source.Touches.ShouldBe(2);

        (await _host.Get<LeadWork>().TransitionAsync(first.LeadId, LeadStage.Lost, "no budget", Admin, "en", TestContext.Current.CancellationToken)).Done.ShouldBeTrue();
        (await intake.IntakeAsync(new LeadDraft("a3", "web", CustomerKey: "phone:+8613700000000"), TestContext.Current.CancellationToken)).Outcome.ShouldBe(IntakeOutcome.Created);
    }

    [Fact]
    public async Task A_big_expected_amount_alerts_the_team_lead()
    {
        var id = await RoutedLeadAsync("big");
        (await _host.Get<LeadWork>().UpdateAsync(id, new LeadUpdate(Amount: 800_000m), Admin, TestContext.Current.CancellationToken)).ShouldBe(ChangeResult.Done);
        (await NotificationsAsync("boss")).ShouldContain(n => n.Kind == "big-deal" && n.LeadId == id);
    }
}
