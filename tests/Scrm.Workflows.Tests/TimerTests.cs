using Scrm.Testing;

namespace Scrm.Workflows.Tests;

public sealed class SqliteTimerTests(PostgresServer postgres) : TimerTests(postgres, usePostgres: false);

public sealed class PostgresTimerTests(PostgresServer postgres) : TimerTests(postgres, usePostgres: true);

/// <summary>Timer triggers from concurrent bursts are stored in batches; every one of them must still fire, once.</summary>
public abstract class TimerTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    [Fact]
    public async Task Hundreds_of_timers_scheduled_at_once_each_fire_once()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync("""{ "id": "nap", "name": "nap", "triggers": [{ "id": "start", "type": "start" }], "variables": [{ "name": "wakes", "value": 0 }], "activities": [{ "id": "d", "type": "delay", "inputs": { "duration": "00:00:01" } }, { "id": "after", "type": "setVariable", "inputs": { "name": "wakes", "value": { "js": "vars.wakes + 1" } } }], "connections": [{ "source": "start", "target": "d" }, { "source": "d", "target": "after" }] }""");

        var ids = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => Task.Run(async () => (await engine.RunAsync("nap")).InstanceId!)));

        foreach (var id in ids)
        {
            (await engine.WaitForAsync(id, "finished", TimeSpan.FromSeconds(60))).Variables["wakes"]!.GetValue<int>().ShouldBe(1);
        }
    }
}
