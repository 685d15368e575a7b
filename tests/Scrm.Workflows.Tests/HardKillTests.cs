using Scrm.Testing;

namespace Scrm.Workflows.Tests;

public sealed class SqliteHardKillTests(PostgresServer postgres) : HardKillTests(postgres, usePostgres: false);

public sealed class PostgresHardKillTests(PostgresServer postgres) : HardKillTests(postgres, usePostgres: true);

/// <summary>
/// The host process is killed (SIGKILL) in the middle of a burst, after one side effect completed
/// and while the next is in flight. After a restart the instance resumes from its last commit: the
/// completed effect is not performed again, the one in flight is retried with the same Idempotency-Key.
/// </summary>
public abstract class HardKillTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    [Fact]
    public async Task A_burst_killed_mid_way_resumes_after_restart_without_repeating_a_completed_side_effect()
    {
        await using var recorder = await LoopbackRecorder.StartAsync();
        using var data = new TempDirectory("scrm-wf-kill");
        var definition = $$"""
            { "id": "effects", "name": "effects", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [
                { "id": "nap", "type": "delay", "inputs": { "duration": "00:00:01" } },
                { "id": "charge", "type": "http.request", "inputs": { "url": "{{recorder.Address}}charge", "method": "POST", "body": { "js": "({ order: input.order })" } } },
                { "id": "notify", "type": "http.request", "inputs": { "url": "{{recorder.Address}}hold", "method": "POST" } },
                { "id": "done", "type": "setVariable", "inputs": { "name": "done", "value": true } } ],
              "connections": [{ "source": "start", "target": "nap" }, { "source": "nap", "target": "charge" },
                { "source": "charge", "outcome": "success", "target": "notify" }, { "source": "notify", "outcome": "success", "target": "done" }] }
            """;

        // A short lease: on PostgreSQL the killed process still holds the instance it was running until it lapses.
        var settings = new Dictionary<string, string> { ["Scrm:Workflows:InstanceLease"] = "00:00:03" };
        string id;
        var host = await ChildHost.StartAsync(Storage, data.Path, settings);
        try
        {
            using var api = host.ClientFor("marketer");
            await api.PublishAsync(definition);
            id = await api.RunAsync("effects", """{"order":"o-1"}""");
            // The timer resumes the instance; 'charge' completes and 'notify' is held mid-burst.
            await recorder.Held.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        finally
        {
            host.Kill();
            await host.DisposeAsync();
        }

        recorder.KeysFor("charge").Count().ShouldBe(1);
        recorder.Holding = false;

        await using var restarted = await ChildHost.StartAsync(Storage, data.Path, settings);
        using var after = restarted.ClientFor("marketer");
        var detail = await after.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(60));

        var charges = recorder.KeysFor("charge").ToList();
        charges.Count.ShouldBe(1, "the completed side effect must not be performed again");
        var notifies = recorder.KeysFor("notify").Concat(recorder.KeysFor("hold")).ToList();
        notifies.Count.ShouldBeGreaterThanOrEqualTo(2);
        notifies.Distinct().ShouldHaveSingleItem().ShouldBe($"{id}:notify:1");
        detail["variables"]!["done"]!.GetValue<bool>().ShouldBeTrue();
        var log = detail["log"]!.AsArray();
        log.Last(l => l!["activityId"]!.GetValue<string>() == "charge")!["outputs"]!["replayed"]!.GetValue<bool>().ShouldBeTrue();
    }
}
