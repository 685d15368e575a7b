using Scrm.Testing;

namespace Scrm.Workflows.Tests;

/// <summary>
/// Timers stored in SQLite survive a hard kill and fire once each: N instances wait on a delay and
/// then make one HTTP call that the receiver counts without deduplicating. The host is killed
/// (SIGKILL, no shutdown code runs) after every timer is stored and before any is due, and started
/// again on the same data: the receiver counts exactly N calls, one per instance.
/// </summary>
public sealed class TimersAfterHardKillTests(PostgresServer postgres) : ProviderTests(postgres, usePostgres: false)
{
    private const int Instances = 6;

    [Fact]
    public async Task Timers_due_while_the_host_was_killed_fire_exactly_once_each_after_the_restart()
    {
        await using var recorder = await LoopbackRecorder.StartAsync();
        using var data = new TempDirectory("scrm-wf-timers-kill");
        // Long enough that no timer is due before the kill on a loaded machine; a restart takes a few seconds,
        // so the timers come due while the host is down or just after it is back.
        var definition = $$"""
            { "id": "counted", "name": "counted", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [
                { "id": "wait", "type": "delay", "inputs": { "duration": "00:00:08" } },
                { "id": "count", "type": "http.request", "inputs": { "url": "{{recorder.Address}}count", "method": "POST", "body": { "js": "({ n: input.n })" } } },
                { "id": "done", "type": "setVariable", "inputs": { "name": "done", "value": true } } ],
              "connections": [{ "source": "start", "target": "wait" }, { "source": "wait", "target": "count" },
                { "source": "count", "outcome": "success", "target": "done" }] }
            """;
        var settings = new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Warning", ["DOTNET_TC_CallCounting"] = "0" };

        var ids = new List<string>();
        var host = await ChildHost.StartAsync(Storage, data.Path, settings);
        try
        {
            using var api = host.ClientFor("marketer");
            await api.PublishAsync(definition);
            for (var n = 0; n < Instances; n++)
            {
                ids.Add(await api.RunAsync("counted", $$"""{"n":{{n}}}"""));
            }

            foreach (var id in ids)
            {
                await api.WaitForStatusAsync(id, "suspended", TimeSpan.FromSeconds(20));
            }
        }
        finally
        {
            host.Kill();
            await host.DisposeAsync();
        }

        recorder.KeysFor("count").ShouldBeEmpty("the kill came before any timer was due");

        await using var restarted = await ChildHost.StartAsync(Storage, data.Path, settings);
        using var after = restarted.ClientFor("marketer");
        foreach (var id in ids)
        {
            var detail = await after.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(40));
            detail["log"]!.AsArray().Count(l => l!["activityId"]!.GetValue<string>() == "count").ShouldBe(1, id);
        }

        var calls = recorder.KeysFor("count").ToList();
        calls.Count.ShouldBe(Instances, string.Join(", ", calls));
        calls.Order(StringComparer.Ordinal).ShouldBe(ids.Select(id => $"{id}:count:1").Order(StringComparer.Ordinal));
    }
}
