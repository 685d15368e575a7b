using Scrm.Testing;

namespace Scrm.Workflows.Tests;

public sealed class SqliteRestartTests(PostgresServer postgres) : RestartTests(postgres, usePostgres: false);

public sealed class PostgresRestartTests(PostgresServer postgres) : RestartTests(postgres, usePostgres: true);

/// <summary>Timers in Quartz's persistent store (SQLite, or PostgreSQL clustered) and event bookmarks survive a restart.</summary>
public abstract class RestartTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    [Fact]
    public async Task Delay_and_event_waits_resume_after_the_host_is_stopped_and_started_again()
    {
        var engine = await StartEngineAsync();
        try
        {
            await engine.PublishAsync("""{ "id": "nap", "name": "nap", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "d", "type": "delay", "inputs": { "duration": "00:00:02" } }, { "id": "after", "type": "setVariable", "inputs": { "name": "woke", "value": true } }], "connections": [{ "source": "start", "target": "d" }, { "source": "d", "target": "after" }] }""");
            await engine.PublishAsync("""{ "id": "ear", "name": "ear", "triggers": [{ "id": "start", "type": "start" }], "activities": [{ "id": "w", "type": "waitForEvent", "inputs": { "event": "ping", "correlationId": "r1" } }], "connections": [{ "source": "start", "target": "w" }] }""");
            var delayed = (await engine.RunAsync("nap")).InstanceId!;
            var waiting = (await engine.RunAsync("ear")).InstanceId!;
            await engine.WaitForAsync(delayed, "suspended");
            await engine.WaitForAsync(waiting, "suspended");

            await engine.RestartAsync();

            (await engine.WaitForAsync(delayed, "finished", TimeSpan.FromSeconds(20))).Variables["woke"]!.GetValue<bool>().ShouldBeTrue();
            (await engine.PublishEventAsync("ping", "r1")).Resumed.ShouldBe(1);
            await engine.WaitForAsync(waiting, "finished");
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }
}
