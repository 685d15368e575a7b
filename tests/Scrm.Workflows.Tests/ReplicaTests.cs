using Quartz;
using Scrm.Testing;
using Scrm.Workflows.Runtime;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Tests;

public sealed class SqliteReplicaTests(PostgresServer postgres) : ReplicaTests(postgres, usePostgres: false);

public sealed class PostgresReplicaTests(PostgresServer postgres) : ReplicaTests(postgres, usePostgres: true);

/// <summary>Two engines on one database, as two replicas of the app.</summary>
public abstract class ReplicaTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private const string Counter =
        """
        { "id": "pair", "name": "pair", "triggers": [{ "id": "start", "type": "start" }], "variables": [{ "name": "count", "value": 0 }],
          "activities": [{ "id": "w", "type": "waitForEvent", "inputs": { "event": "go", "correlationId": { "js": "input.c" } } },
                         { "id": "inc", "type": "setVariable", "inputs": { "name": "count", "value": { "js": "vars.count + 1" } } }],
          "connections": [{ "source": "start", "target": "w" }, { "source": "w", "outcome": "received", "target": "inc" }] }
        """;

    [Fact]
    public async Task A_bookmark_resumed_by_two_replicas_at_once_resumes_once()
    {
        using var shared = new TempDirectory("scrm-replicas");
        await using var a = await StartEngineAsync(new TempDirectory(new DirectoryInfo(shared.Path), keep: true));
        await using var b = await StartEngineAsync(new TempDirectory(new DirectoryInfo(shared.Path), keep: true));
        await a.PublishAsync(Counter);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await a.RunAsync("pair", Json.Parse($$"""{"c":"c{{i}}"}"""))).InstanceId!);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(n => Task.Run(() =>
            (n % 2 == 0 ? a : b).PublishEventAsync("go", $"c{n % 5}"))));

        results.Sum(r => r.Resumed).ShouldBe(5);
        foreach (var id in ids)
        {
            var done = await a.WaitForAsync(id, "finished");
            done.Variables["count"]!.GetValue<long>().ShouldBe(1);
            done.Log.Count(l => l.ActivityId == "inc").ShouldBe(1);
        }
    }
    [Fact]
    public async Task Timers_a_dead_replica_committed_but_never_scheduled_are_scheduled_by_the_replica_that_takes_over()
    {
        using var shared = new TempDirectory("scrm-replicas");
        var a = await StartEngineAsync(new TempDirectory(new DirectoryInfo(shared.Path), keep: true), new Dictionary<string, string?> { ["Scrm:Journal:InstanceId"] = "replica-a" });
        await using var b = await StartEngineAsync(new TempDirectory(new DirectoryInfo(shared.Path), keep: true), new Dictionary<string, string?> { ["Scrm:Journal:InstanceId"] = "replica-b" });
        await a.PublishAsync("""
            { "id": "sla", "name": "sla", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [{ "id": "wait", "type": "delay", "inputs": { "duration": "01:00:00" } }],
              "connections": [{ "source": "start", "target": "wait" }] }
            """);
        for (var i = 0; i < 20; i++)
        {
            await a.RunAsync("sla");
        }

        await using var audit = new LeadAudit(Storage, shared.Path);
        (await audit.TimerCountsAsync()).ShouldBe((20L, 20L));

        // Replica A committed its bookmarks and died before its triggers were stored, holding the journal consumers.
        var scheduler = await a.Host.Get<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);
        var keys = await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals("workflow-timers"), TestContext.Current.CancellationToken);
        await scheduler.UnscheduleJobs([.. keys], TestContext.Current.CancellationToken);
        await a.Host.StopAsync();
        await audit.HoldConsumerLeaseAsync("workflows", "replica-a", TimeSpan.FromSeconds(1));
        (await audit.TimerCountsAsync()).ShouldBe((20L, 0L));

        // B takes the consumer over when A's lease lapses, and schedules what A left unscheduled.
        var until = DateTime.UtcNow.AddSeconds(15);
        while ((await audit.TimerCountsAsync()).Triggers < 20 && DateTime.UtcNow < until)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        (await audit.TimerCountsAsync()).ShouldBe((20L, 20L));
    }
}

/// <summary>On PostgreSQL a replica leases the instance it runs, so that another never runs it at the same time.</summary>
public sealed class LeaseTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_replica_holding_the_lease_keeps_others_off_until_it_lets_go_or_the_lease_lapses()
    {
        var storage = StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
        var settings = new Dictionary<string, string?> { ["Scrm:Workflows:InstanceLease"] = "00:00:01" };
        await using var a = await Engine.StartAsync(storage, settings: settings);
        await using var b = await Engine.StartAsync(storage, settings: settings);
        await a.PublishAsync("""{ "id": "held", "name": "held", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "w", "type": "waitForEvent", "inputs": { "event": "go", "correlationId": "h" } }, { "id": "d", "type": "waitForEvent", "inputs": { "event": "again", "correlationId": "h" } }], "connections": [{ "source": "start", "target": "w" }, { "source": "w", "outcome": "received", "target": "d" }] }""");
        var id = (await a.RunAsync("held")).InstanceId!;
        var first = (await a.InstanceAsync(id)).Bookmarks.Single().Id;
        var bStore = b.Host.Get<InstanceStore>();
        var ct = TestContext.Current.CancellationToken;

        // Replica b loads the instance as a burst does, and so holds its lease.
        (await bStore.LoadAsync(id, TimeSpan.FromSeconds(1), ct)).ShouldNotBeNull();
        (await a.Runtime.ResumeAsync(id, first, null, ct)).Outcome.ShouldBe(RunOutcome.Busy);
        // b abandons its burst and gives the lease back: a goes on at once.
        await bStore.ReleaseLeaseAsync(id, ct);
        (await a.Runtime.ResumeAsync(id, first, null, ct)).Outcome.ShouldBe(RunOutcome.Resumed);

        // b takes the lease again and dies holding it: a is kept off until the lease lapses.
        var second = (await a.InstanceAsync(id)).Bookmarks.Single().Id;
        (await bStore.LoadAsync(id, TimeSpan.FromSeconds(1), ct)).ShouldNotBeNull();
        (await a.Runtime.ResumeAsync(id, second, null, ct)).Outcome.ShouldBe(RunOutcome.Busy);
        await Task.Delay(1_200, ct);
        (await a.Runtime.ResumeAsync(id, second, null, ct)).Outcome.ShouldBe(RunOutcome.Resumed);
        await a.WaitForAsync(id, "finished");
    }
}
