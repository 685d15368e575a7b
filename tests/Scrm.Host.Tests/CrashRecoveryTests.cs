using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Scrm.Platform.Faults;
using Scrm.Testing;

namespace Scrm.Host.Tests;

public sealed class SqliteCrashRecoveryTests(PostgresServer postgres) : CrashRecoveryTests(postgres, usePostgres: false);

public sealed class PostgresCrashRecoveryTests(PostgresServer postgres) : CrashRecoveryTests(postgres, usePostgres: true);

/// <summary>
/// The shipped lead workflow, crashed (the process ends at once, as with <c>kill -9</c>) at each
/// named point of each of its side effects: after the effect's commit, inside its group commit,
/// before the engine records the step, inside and after the engine's own group commit, and between
/// the journal's commit and its answer. After a restart on the same data, each lead must end exactly
/// as a lead that went through without a crash: one lead, one owner, one assignment, one
/// notification each, one follow-up, the customer owned by the same rep, the same steps, one timer.
/// </summary>
/// <remarks>
/// The cases run one after another on one data folder: each restart both recovers the previous
/// case's lead and serves the next, so N cases cost N+1 host starts.
/// </remarks>
public abstract class CrashRecoveryTests(PostgresServer postgres, bool usePostgres)
{
    public sealed record CrashCase(string Name, string Point, int Arrival = 1)
    {
        public override string ToString() => Arrival == 1 ? Point : $"{Point}#{Arrival}";
    }

    /// <summary>
    /// Every side effect of <c>lead-conversion</c> at each point. The first burst creates, routes
    /// (and claims the customer) and waits; the second, woken by the SLA timer, escalates.
    /// </summary>
    public static readonly CrashCase[] Cases =
    [
        new("create-inside", CrashPoints.EffectCommitting("lead.create")),
        new("create-after", CrashPoints.EffectCommitted("lead.create")),
        new("route-inside", CrashPoints.EffectCommitting("lead.route")),
        new("route-after", CrashPoints.EffectCommitted("lead.route")),
        new("claim-inside", CrashPoints.EffectCommitting("customer.claim")),
        new("claim-after", CrashPoints.EffectCommitted("customer.claim")),
        new("burst-unrecorded", CrashPoints.BurstBeforeRecord),
        new("engine-inside", CrashPoints.InstanceCommitWriting),
        new("engine-after", CrashPoints.InstanceCommitted),
        new("escalate-inside", CrashPoints.EffectCommitting("lead.escalate")),
        new("escalate-after", CrashPoints.EffectCommitted("lead.escalate")),
        new("escalation-unrecorded", CrashPoints.BurstBeforeRecord, Arrival: 2),
        new("journal-unanswered", CrashPoints.JournalAppended),
    ];

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    public static Dictionary<string, string> Settings() => new()
    {
        ["Scrm:FaultInjection:Enabled"] = "true",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Scrm:Journal:ConsumerPollInterval"] = "00:00:00.100",
        // On PostgreSQL the killed process still holds the instances it ran until the lease lapses.
        ["Scrm:Workflows:InstanceLease"] = "00:00:02",
        ["Scrm:Leads:Teams:0:Name"] = "sales",
        ["Scrm:Leads:Teams:0:TeamLead"] = "boss",
        ["Scrm:Leads:Teams:0:Reps:0:Id"] = "rep-1",
        ["Scrm:Leads:DefaultTeam"] = "sales",
        // Each host here lives for one lead: the runtime keeps its first (quick) compile of every
        // method instead of compiling the hot ones again, about 3 s of CPU per start that the
        // other tests of the run can use.
        ["DOTNET_TC_CallCounting"] = "0",
    };

    [Fact]
    public async Task Each_side_effect_of_the_lead_workflow_crashed_at_each_point_ends_as_a_run_without_the_crash()
    {
        using var data = new TempDirectory("scrm-crash");
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        await using var audit = new LeadAudit(storage, data.Path);
        var host = await ChildHost.StartAsync(storage, data.Path, Settings());
        var report = new StringBuilder();
        var mismatches = 0;
        try
        {
            await PublishShortSlaAsync(host);
            await PostLeadAsync(host, "baseline", 0);
            var expected = (await SettledAsync(audit, "baseline")).Shape;
            expected.ShouldBe(new LeadShape(1, "rep-1", false, "routed", "escalation,new-lead", 1, "rep-1", "finished",
                "onLead:completed:done intent:completed:true create:completed:created route:completed:assigned waitContact:waiting: " +
                "waitContact:resumed:timeout escalate:completed:done end:completed:done", 0));

            for (var i = 0; i < Cases.Length; i++)
            {
                var crash = Cases[i];
                var took = System.Diagnostics.Stopwatch.StartNew();
                using (var admin = host.ClientFor("admin"))
                {
                    (await admin.PostAsJsonAsync("/api/v1/fault-injection/crash-point", new CrashPointRequest(crash.Point, crash.Arrival), TestContext.Current.CancellationToken))
                        .StatusCode.ShouldBe(HttpStatusCode.NoContent);
                }

                var answered = await TryPostLeadAsync(host, crash.Name, i + 1);
                var crashed = await host.WaitForExitAsync(TimeSpan.FromSeconds(45));
                var crashedAfter = took.Elapsed;
                var output = host.Output;
                await host.DisposeAsync();
                host = await ChildHost.StartAsync(storage, data.Path, Settings());
                var startedAfter = took.Elapsed;
                if (!answered)
                {
                    // The client heard nothing: it sends again, and the journal knows the item.
                    await PostLeadAsync(host, crash.Name, i + 1);
                }

                var outcome = await SettledAsync(audit, crash.Name);
                var matches = crashed && outcome.Shape == expected;
                mismatches += matches ? 0 : 1;
                report.AppendLine($"{(matches ? "ok  " : "FAIL")} {crash,-36} {(crashed ? "" : "never reached; ")}{outcome.Shape} " +
                    $"(crashed {crashedAfter.TotalSeconds:N1} s, ready again {startedAfter.TotalSeconds:N1} s, settled {took.Elapsed.TotalSeconds:N1} s)");
                if (!matches)
                {
                    report.AppendLine($"lead {outcome.LeadId}, instance {outcome.InstanceId}:\n{outcome.Log}");
                    report.AppendLine(crashed ? host.Output : output);
                }
            }
        }
        finally
        {
            await host.DisposeAsync();
        }

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        mismatches.ShouldBe(0, report.ToString());
    }

    /// <summary>The shipped lead-conversion with its SLAs at one second, so that escalations happen within the test.</summary>
    public static async Task PublishShortSlaAsync(ChildHost host)
    {
        var definition = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "workflows", "definitions", "lead-conversion.json")))!;
        foreach (var variable in definition["variables"]!.AsArray())
        {
            if (variable!["name"]!.GetValue<string>() is "firstContactSla" or "hotFirstContactSla")
            {
                variable["value"] = "00:00:01";
            }
        }

        using var marketer = host.ClientFor("marketer");
        var saved = await marketer.PutAsync("/api/v1/workflows/definitions/lead-conversion",
            new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        saved.StatusCode.ShouldBe(HttpStatusCode.Created, await saved.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var published = await marketer.PostAsync("/api/v1/workflows/definitions/lead-conversion/publish", null, TestContext.Current.CancellationToken);
        published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static StringContent Lead(string name, int n) => new(
        $$"""{"name":"{{name}}","phone":"+86 139 0100 {{n:D4}}","company":"{{name}}公司","message":"想了解企业版价格","externalId":"crash-{{name}}"}""",
        Encoding.UTF8, "application/json");

    private static async Task PostLeadAsync(ChildHost host, string name, int n)
    {
        using var ingest = host.ClientFor("ingest");
        var response = await ingest.PostAsync("/api/v1/ingest/leads", Lead(name, n), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Posts a lead to a host that may die before it answers; true when it answered 202.</summary>
    private static async Task<bool> TryPostLeadAsync(ChildHost host, string name, int n)
    {
        try
        {
            using var ingest = host.ClientFor("ingest");
            return (await ingest.PostAsync("/api/v1/ingest/leads", Lead(name, n), TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.Accepted;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Waits until the lead's workflow has ended (or the time is up) and returns what became of the lead.</summary>
    private static async Task<LeadOutcome> SettledAsync(LeadAudit audit, string name)
    {
        var until = DateTime.UtcNow + Settle;
        while (true)
        {
            var outcome = await audit.OutcomeAsync(name);
            // A fired timer's trigger is deleted just after the job that resumed the instance returns.
            if (outcome is { Shape: { InstanceStatus: "finished" or "faulted" or "cancelled", TimersLeft: 0 } } || DateTime.UtcNow > until)
            {
                return outcome ?? new LeadOutcome(0, null, new LeadShape(0, null, false, "", "", 0, null, null, null, 0));
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
