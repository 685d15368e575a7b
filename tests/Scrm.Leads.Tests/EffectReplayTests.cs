using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Api;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Leads.Workflow;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

public sealed class SqliteEffectReplayTests(PostgresServer postgres) : EffectReplayTests(postgres, usePostgres: false);

public sealed class PostgresEffectReplayTests(PostgresServer postgres) : EffectReplayTests(postgres, usePostgres: true);

/// <summary>
/// The leads' side effects under a workflow step's key (ADR 0006): run again with the key (a
/// replay after a crash), each answers what it answered the first time and acts once.
/// </summary>
public abstract class EffectReplayTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ModuleHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _host = await ModuleHost.StartAsync(storage, (s, c) => s.AddScrmLeads(c), RoutingConcurrencyTests.Team());
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Intake_run_again_under_its_key_answers_created_with_the_same_lead_not_already_taken()
    {
        var intake = _host.Get<LeadIntake>();
        var ct = TestContext.Current.CancellationToken;
        var draft = new LeadDraft("journal:1", "web", CustomerKey: "phone:+8613700000001");

        var first = await intake.IntakeAsync(draft, "instance-1:create:1", ct);
        var again = await intake.IntakeAsync(draft, "instance-1:create:1", ct);
        var otherStep = await intake.IntakeAsync(draft, "instance-2:create:1", ct);

        first.ShouldBe(new(new IntakeResult(first.Outcome.LeadId, IntakeOutcome.Created, first.Outcome.Score, first.Outcome.Hot, "phone:+8613700000001"), Replayed: false));
        again.ShouldBe(first with { Replayed = true });
        otherStep.Replayed.ShouldBeFalse();
        otherStep.Outcome.Outcome.ShouldBe(IntakeOutcome.AlreadyTaken);
        (await intake.IntakeAsync(draft, ct)).Outcome.ShouldBe(IntakeOutcome.AlreadyTaken);
    }

    [Fact]
    public async Task Concurrent_calls_under_one_key_share_one_outcome_and_only_one_performs_it()
    {
        var intake = _host.Get<LeadIntake>();
        var ct = TestContext.Current.CancellationToken;
        var draft = new LeadDraft("journal:2", "web", CustomerKey: "phone:+8613700000002");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => intake.IntakeAsync(draft, "instance-3:create:1", ct), ct)));

        answers.Select(a => a.Outcome).Distinct().ShouldHaveSingleItem().Outcome.ShouldBe(IntakeOutcome.Created);
        answers.Count(a => !a.Replayed).ShouldBe(1);
    }

    [Fact]
    public async Task Routing_run_again_under_its_key_answers_its_first_decision_and_assigns_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var lead = (await _host.Get<LeadIntake>().IntakeAsync(new LeadDraft("journal:3", "web", CustomerKey: "phone:+8613700000003"), ct)).LeadId;
        var routing = _host.Get<LeadRouting>();

        var first = await routing.RouteAsync(lead, "workflow:lead-conversion", "instance-4:route:1", ct);
        var again = await routing.RouteAsync(lead, "workflow:lead-conversion", "instance-4:route:1", ct);
        var byHand = await routing.RouteAsync(lead, "rep", ct);

        first.Replayed.ShouldBeFalse();
        first.Outcome.Owner.ShouldNotBeNull();
        again.Replayed.ShouldBeTrue();
        again.Outcome.ShouldBeEquivalentTo(first.Outcome);
        byHand.Reasons.ShouldBe([$"already owned by {first.Outcome.Owner}"]);
        var detail = (await _host.Get<LeadQueries>().DetailAsync(lead, ct))!;
        detail.Assignments.Count.ShouldBe(1);
        (await _host.Get<LeadQueries>().NotificationsAsync(first.Outcome.Owner!, 0, ct)).Count(n => n.LeadId == lead).ShouldBe(1);
    }

    [Fact]
    public async Task An_escalation_run_again_under_its_key_notifies_the_team_lead_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var lead = (await _host.Get<LeadIntake>().IntakeAsync(new LeadDraft("journal:4", "web", CustomerKey: "phone:+8613700000004"), ct)).LeadId;
        await _host.Get<LeadRouting>().RouteAsync(lead, "test", ct);
        var events = _host.Services.GetRequiredService<LeadEvents>();

        var first = await events.EscalateAsync(lead, "no first contact", "instance-5:escalate:1", ct);
        var again = await events.EscalateAsync(lead, "no first contact", "instance-5:escalate:1", ct);

        first.ShouldBe(new(true, Replayed: false));
        again.ShouldBe(new(true, Replayed: true));
        (await _host.Get<LeadQueries>().NotificationsAsync("boss", 0, ct)).Count(n => n.Kind == "escalation" && n.LeadId == lead).ShouldBe(1);
    }
}
