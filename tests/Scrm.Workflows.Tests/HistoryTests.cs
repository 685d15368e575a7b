using System.Text.Json.Nodes;
using Scrm.Testing;
using Scrm.Workflows.Api;
using Scrm.Workflows.History;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Tests;

public sealed class SqliteHistoryTests(PostgresServer postgres) : HistoryTests(postgres, usePostgres: false);

public sealed class PostgresHistoryTests(PostgresServer postgres) : HistoryTests(postgres, usePostgres: true);

/// <summary>
/// What the engine keeps of ended runs: runs that did nothing only in the per-step counts; ended
/// instances and their logs until their definition's history period has passed, the counts for good.
/// </summary>
public abstract class HistoryTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private static string Definition(string id, bool keepNoOpRuns = false) =>
        $$"""
        { "id": "{{id}}", "name": "Mentions with intent wait for a reply", "options": { "keepNoOpRuns": {{(keepNoOpRuns ? "true" : "false")}} },
          "triggers": [{ "id": "onMention", "type": "trigger.journal", "inputs": { "kind": "mention" } }],
          "activities": [
            { "id": "intent", "type": "if", "inputs": { "condition": { "js": "String(input.text).includes('价格')" } } },
            { "id": "wait", "type": "waitForEvent", "inputs": { "event": "replied" } },
            { "id": "end", "type": "end" }
          ],
          "connections": [
            { "source": "onMention", "target": "intent" },
            { "source": "intent", "outcome": "true", "target": "wait" },
            { "source": "intent", "outcome": "false", "target": "end" },
            { "source": "wait", "outcome": "received", "target": "end" }
          ] }
        """;

    private static List<Stimulus> Mentions(params string[] texts) =>
        [.. texts.Select((text, i) => new Stimulus("mention.received", ["weibo", ""], new JsonObject { ["text"] = text }, IdempotencyKey: $"weibo:brand:{i}"))];

    [Fact]
    public async Task A_run_from_an_inbound_item_that_does_nothing_is_counted_per_step_and_not_stored()
    {
        await using var engine = await StartEngineAsync();
        var definition = await engine.PublishAsync(Definition("no-op-runs"));
        var mentions = Mentions("今天天气不错", "请问价格多少", "路过");

        var first = await engine.Runtime.DispatchInboundAsync(mentions, TestContext.Current.CancellationToken);

        first.Started.ShouldBe(3);
        var queries = engine.Host.Get<InstanceQueries>();
        var stored = await queries.ListAsync("no-op-runs", null, 100, TestContext.Current.CancellationToken);
        stored.Single().Status.ShouldBe("suspended", "only the mention with intent waits; the two that ended at once are not stored");
        var counts = (await queries.CountsAsync("no-op-runs", definition.Version, TestContext.Current.CancellationToken)).ToDictionary(c => c.ActivityId);
        counts["intent"].Completed.ShouldBe(3);
        counts["end"].Completed.ShouldBe(2);
        counts["wait"].Waiting.ShouldBe(1);

        // The consumer is at-least-once: the batch handed over again starts nothing and counts nothing twice.
        var again = await engine.Runtime.DispatchInboundAsync(mentions, TestContext.Current.CancellationToken);
        again.Started.ShouldBe(0);
        var recounted = (await queries.CountsAsync("no-op-runs", definition.Version, TestContext.Current.CancellationToken)).ToDictionary(c => c.ActivityId);
        recounted["intent"].Entered.ShouldBe(3);
        recounted["end"].Completed.ShouldBe(2);
    }

    [Fact]
    public async Task A_run_from_an_inbound_item_with_a_side_effect_is_stored_even_when_it_ends_at_once()
    {
        await using var recorder = await LoopbackRecorder.StartAsync();
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync($$"""
            { "id": "notify-all", "name": "Notify every mention",
              "triggers": [{ "id": "onMention", "type": "trigger.journal", "inputs": { "kind": "mention" } }],
              "activities": [{ "id": "notify", "type": "http.request", "inputs": { "url": "{{recorder.Address}}notify", "method": "POST" } }],
              "connections": [{ "source": "onMention", "target": "notify" }] }
            """);

        (await engine.Runtime.DispatchInboundAsync(Mentions("路过"), TestContext.Current.CancellationToken)).Started.ShouldBe(1);

        var stored = await engine.Host.Get<InstanceQueries>().ListAsync("notify-all", null, 10, TestContext.Current.CancellationToken);
        stored.Single().Status.ShouldBe("finished");
        recorder.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_definition_that_keeps_runs_that_did_nothing_and_runs_started_by_hand_are_stored()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Definition("kept-runs", keepNoOpRuns: true));

        (await engine.Runtime.DispatchInboundAsync(Mentions("今天天气不错", "路过"), TestContext.Current.CancellationToken)).Started.ShouldBe(2);

        var queries = engine.Host.Get<InstanceQueries>();
        (await queries.ListAsync("kept-runs", "finished", 100, TestContext.Current.CancellationToken)).Count.ShouldBe(2);
        await engine.PublishAsync("""
            { "id": "by-hand", "name": "Run by hand", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [{ "id": "keep", "type": "setVariable", "inputs": { "name": "x", "value": 1 } }],
              "connections": [{ "source": "start", "target": "keep" }] }
            """);
        var run = await engine.RunAsync("by-hand");
        (await engine.InstanceAsync(run.InstanceId!)).Instance.Status.ShouldBe("finished", "a run by hand is looked at: it is stored whatever it did");
    }

    [Fact]
    public async Task Ended_instances_and_their_logs_are_deleted_after_their_period_and_the_per_step_counts_stay()
    {
        await using var engine = await StartEngineAsync();
        var definition = await engine.PublishAsync("""
            { "id": "ended", "name": "Ends three ways", "options": { "history": { "cancelled": "02:00:00" } },
              "triggers": [{ "id": "start", "type": "start" }],
              "activities": [
                { "id": "route", "type": "switch", "inputs": { "value": { "js": "input.way" }, "cases": ["wait", "fault"] } },
                { "id": "wait", "type": "waitForEvent", "inputs": { "event": "never" } },
                { "id": "boom", "type": "setVariable", "inputs": { "name": "x", "value": { "js": "null.boom" } } },
                { "id": "done", "type": "end" }
              ],
              "connections": [
                { "source": "start", "target": "route" },
                { "source": "route", "outcome": "wait", "target": "wait" },
                { "source": "route", "outcome": "fault", "target": "boom" },
                { "source": "route", "outcome": "default", "target": "done" }
              ] }
            """);
        var finished = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            finished.Add((await engine.RunAsync("ended", Json.Parse("""{"way":"end"}"""))).InstanceId!);
        }

        var faulted = (await engine.RunAsync("ended", Json.Parse("""{"way":"fault"}"""))).InstanceId!;
        var waiting = (await engine.RunAsync("ended", Json.Parse("""{"way":"wait"}"""))).InstanceId!;
        var cancelled = (await engine.RunAsync("ended", Json.Parse("""{"way":"wait"}"""))).InstanceId!;
        (await engine.Runtime.CancelAsync(cancelled, TestContext.Current.CancellationToken)).Outcome.ShouldBe(RunOutcome.Cancelled);
        await engine.WaitForAsync(faulted, "faulted");
        var queries = engine.Host.Get<InstanceQueries>();
        var counts = await queries.CountsAsync("ended", definition.Version, TestContext.Current.CancellationToken);
        var retention = engine.Host.Get<HistoryRetention>();
        var now = DateTimeOffset.UtcNow;

        (await retention.SweepAsync(now.AddDays(1), TestContext.Current.CancellationToken)).Instances.ShouldBe(1, "the definition keeps cancelled runs two hours");
        var due = await retention.DueAsync(now.AddDays(31), TestContext.Current.CancellationToken);
        due.Single(d => d.DefinitionId == "ended").ShouldSatisfyAllConditions(
            d => d.Status.ShouldBe("finished"), d => d.Instances.ShouldBe(3), d => d.Bytes.ShouldBeGreaterThan(0));
        (await retention.SweepAsync(now.AddDays(31), TestContext.Current.CancellationToken)).Instances.ShouldBe(3, "finished runs are kept 30 days by default");

        foreach (var id in finished.Append(cancelled))
        {
            (await queries.GetAsync(id, TestContext.Current.CancellationToken)).ShouldBeNull();
        }

        (await engine.InstanceAsync(faulted)).Log.ShouldNotBeEmpty("faulted runs are kept 90 days");
        (await retention.SweepAsync(now.AddDays(91), TestContext.Current.CancellationToken)).Instances.ShouldBe(1);
        (await queries.GetAsync(faulted, TestContext.Current.CancellationToken)).ShouldBeNull();
        (await engine.InstanceAsync(waiting)).Instance.Status.ShouldBe("suspended", "a waiting instance is never history");
        (await queries.CountsAsync("ended", definition.Version, TestContext.Current.CancellationToken)).ShouldBe(counts);
    }

    [Fact]
    public async Task Logs_and_the_state_of_ended_instances_are_stored_compressed_on_sqlite_and_read_back_the_same()
    {
        const string definition = """
            { "id": "stored-forms", "name": "Ends or waits",
              "triggers": [{ "id": "start", "type": "start" }],
              "activities": [
                { "id": "note", "type": "setVariable", "inputs": { "name": "note", "value": { "js": "'客户说：' + input.text" } } },
                { "id": "route", "type": "if", "inputs": { "condition": { "js": "input.wait === true" } } },
                { "id": "wait", "type": "waitForEvent", "inputs": { "event": "never" } },
                { "id": "done", "type": "end" }
              ],
              "connections": [
                { "source": "start", "target": "note" },
                { "source": "note", "target": "route" },
                { "source": "route", "outcome": "true", "target": "wait" },
                { "source": "route", "outcome": "false", "target": "done" }
              ] }
            """;
        var views = new List<string>();
        foreach (var compress in new[] { true, false })
        {
            await using var engine = await StartEngineAsync(settings: new Dictionary<string, string?> { ["Scrm:Workflows:History:Compress"] = compress ? "true" : "false" });
            await engine.PublishAsync(definition);
            var ended = (await engine.RunAsync("stored-forms", Json.Parse("""{"text":"这个多少钱？能便宜点吗","wait":false}"""))).InstanceId!;
            var waiting = (await engine.RunAsync("stored-forms", Json.Parse("""{"text":"我再想想","wait":true}"""))).InstanceId!;

            var blobs = !engine.Host.Get<Scrm.Platform.Storage.ScrmDatabase>().IsPostgres && compress;
            (await StoredTypeAsync(engine, "SELECT state FROM workflow_instances WHERE id = @id", ended)).ShouldBe(blobs ? "blob" : "text", "an ended instance's state is history");
            (await StoredTypeAsync(engine, "SELECT state FROM workflow_instances WHERE id = @id", waiting)).ShouldBe("text", "a waiting instance's state is read at every resume");
            (await StoredTypeAsync(engine, "SELECT records FROM workflow_log WHERE instance_id = @id", waiting)).ShouldBe(blobs ? "blob" : "text");
            (await RowsAsync(engine, "SELECT count(*) FROM workflow_log WHERE instance_id = @id", ended)).ShouldBe(blobs ? 0 : 1, "a finished run's last log is compressed with its state, in one row");

            var detail = await engine.InstanceAsync(ended);
            detail.Instance.Status.ShouldBe("finished");
            detail.Variables["note"]!.GetValue<string>().ShouldBe("客户说：这个多少钱？能便宜点吗");
            views.Add(string.Join(" | ", detail.Log.Select(r => $"{r.ActivityId}:{r.Status}:{r.Outcome}:{r.Inputs?.ToJsonString()}:{r.Outputs?.ToJsonString()}")));
            var suspended = await engine.InstanceAsync(waiting);
            suspended.Instance.Status.ShouldBe("suspended");

            // Finished in a second burst: the first burst's log row stays, the last is stored with the state.
            (await engine.Runtime.ResumeAsync(waiting, suspended.Bookmarks.Single().Id, Json.Parse("""{"ok":true}"""), TestContext.Current.CancellationToken)).Outcome.ShouldBe(RunOutcome.Resumed);
            var resumed = await engine.InstanceAsync(waiting);
            resumed.Instance.Status.ShouldBe("finished");
            (await RowsAsync(engine, "SELECT count(*) FROM workflow_log WHERE instance_id = @id", waiting)).ShouldBe(blobs ? 1 : 2);
            views.Add(string.Join(" | ", resumed.Log.Select(r => $"{r.ActivityId}:{r.Status}:{r.Outcome}:{r.Inputs?.ToJsonString()}:{r.Outputs?.ToJsonString()}")));
        }

        views[0].ShouldBe(views[2], "the API shows the same log whichever form it was stored in");
        views[1].ShouldBe(views[3]);
        views[0].ShouldContain("route:completed:false");
        views[1].ShouldContain("route:completed:true");
        views[1].ShouldContain("wait:resumed:", Case.Sensitive, "the last burst, stored with the state, is in the log");
    }

    [Fact]
    public async Task A_sweep_gives_the_pages_it_freed_back_to_the_file_system_on_sqlite()
    {
        await using var engine = await StartEngineAsync(settings: new Dictionary<string, string?> { ["Scrm:Workflows:History:Compress"] = "false" });
        await engine.PublishAsync("""
            { "id": "bulky", "name": "Keeps a long note",
              "triggers": [{ "id": "start", "type": "start" }],
              "activities": [{ "id": "note", "type": "setVariable", "inputs": { "name": "note", "value": { "js": "'长'.repeat(6000)" } } }],
              "connections": [{ "source": "start", "target": "note" }] }
            """);
        for (var i = 0; i < 60; i++)
        {
            await engine.RunAsync("bulky");
        }

        var database = engine.Host.Get<Scrm.Platform.Storage.ScrmDatabase>().Store("workflows");
        var before = await PageCountAsync(database);
        var sweep = await engine.Host.Get<HistoryRetention>().SweepAsync(DateTimeOffset.UtcNow.AddDays(31), TestContext.Current.CancellationToken);

        sweep.Instances.ShouldBe(60);
        if (database.IsPostgres)
        {
            sweep.PagesReleased.ShouldBe(0, "PostgreSQL reuses the space itself (vacuum)");
            return;
        }

        // 60 runs × (state + log) × 18 KB of UTF-8 ≈ 2.2 MB ≈ 530 pages of 4 KB.
        sweep.PagesReleased.ShouldBeGreaterThan(256);
        (await PageCountAsync(database)).ShouldBe(before - sweep.PagesReleased);
    }

    private static async Task<long> PageCountAsync(Scrm.Platform.Storage.ScrmDatabase database)
    {
        if (database.IsPostgres)
        {
            return 0;
        }

        await using var connection = await database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_count";
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The count a <c>SELECT count(*)</c> over one instance's rows answers.</summary>
    private static async Task<long> RowsAsync(Engine engine, string sql, string id)
    {
        await using var connection = await engine.Host.Get<Scrm.Platform.Storage.ScrmDatabase>().Store("workflows").OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Scrm.Workflows.Storage.Sql.Add(command, "id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>"blob" or "text": how the store holds one row's value.</summary>
    private static async Task<string> StoredTypeAsync(Engine engine, string sql, string id)
    {
        await using var connection = await engine.Host.Get<Scrm.Platform.Storage.ScrmDatabase>().Store("workflows").OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Scrm.Workflows.Storage.Sql.Add(command, "id", id);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        reader.Read().ShouldBeTrue();
        return reader.GetValue(0) is byte[] ? "blob" : "text";
    }

    [Fact]
    public async Task Keys_of_runs_that_did_nothing_are_dropped_after_the_redelivery_window()
    {
        await using var engine = await StartEngineAsync();
        await engine.PublishAsync(Definition("no-op-keys"));
        var mentions = Mentions("路过", "路过二");
        (await engine.Runtime.DispatchInboundAsync(mentions, TestContext.Current.CancellationToken)).Started.ShouldBe(2);
        var retention = engine.Host.Get<HistoryRetention>();
        var now = DateTimeOffset.UtcNow;

        (await retention.SweepAsync(now.AddHours(1), TestContext.Current.CancellationToken)).RunKeys.ShouldBe(0);
        (await engine.Runtime.DispatchInboundAsync(mentions, TestContext.Current.CancellationToken)).Started.ShouldBe(0, "still within the window");
        (await retention.DueRunKeysAsync(now.AddDays(2), TestContext.Current.CancellationToken)).ShouldBe(2);
        (await retention.SweepAsync(now.AddDays(2), TestContext.Current.CancellationToken)).RunKeys.ShouldBe(2);
        (await retention.DueRunKeysAsync(now.AddDays(2), TestContext.Current.CancellationToken)).ShouldBe(0);
    }
}
