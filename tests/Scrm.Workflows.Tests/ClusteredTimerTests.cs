using System.Text.Json.Nodes;
using Scrm.Testing;

namespace Scrm.Workflows.Tests;

/// <summary>Timers live in Quartz's clustered store on PostgreSQL: any replica fires them, including those of a replica that died.</summary>
public sealed class ClusteredTimerTests(PostgresServer postgres)
{
    [Fact]
    public async Task Timers_scheduled_by_a_replica_that_died_fire_on_the_surviving_replica()
    {
        var storage = StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
        using var dataA = new TempDirectory("scrm-node-a");
        using var dataB = new TempDirectory("scrm-node-b");
        // One at a time: the first runs the migrations and creates Quartz's tables.
        var a = await ChildHost.StartAsync(storage, dataA.Path);
        await using var b = await ChildHost.StartAsync(storage, dataB.Path);
        var ids = new List<string>();
        try
        {
            using var api = a.ClientFor("marketer");
            await api.PublishAsync("""{ "id": "nap", "name": "nap", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "d", "type": "delay", "inputs": { "duration": "00:00:02" } }, { "id": "woke", "type": "setVariable", "inputs": { "name": "woke", "value": true } }], "connections": [{ "source": "start", "target": "d" }, { "source": "d", "target": "woke" }] }""");
            for (var i = 0; i < 10; i++)
            {
                ids.Add(await api.RunAsync("nap"));
            }
        }
        finally
        {
            a.Kill();
            await a.DisposeAsync();
        }

        using var survivor = b.ClientFor("marketer");
        foreach (var id in ids)
        {
            var done = await survivor.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(60));
            done["variables"]!["woke"]!.GetValue<bool>().ShouldBeTrue();
        }

        var (_, counts) = await survivor.GetJsonAsync("/api/v1/workflows/definitions/nap/versions/1/counts");
        var woke = counts!.AsArray().Single(c => c!["activityId"]!.GetValue<string>() == "woke")!;
        woke["completed"]!.GetValue<long>().ShouldBe(10);
        counts.AsArray().Single(c => c!["activityId"]!.GetValue<string>() == "d")!["waiting"]!.GetValue<long>().ShouldBe(0);
    }
}
