using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Journal;
using Scrm.Testing;
using Scrm.Workflows.Api;
using Scrm.Workflows.Runtime;
using Scrm.Workflows.Triggers;

namespace Scrm.Workflows.Tests;

public sealed class SqliteTriggerTests(WorkflowApiTests.App app) : TriggerTests(app), IClassFixture<WorkflowApiTests.App>;

public sealed class PostgresTriggerTests(WorkflowApiTests.PostgresApp app) : TriggerTests(app), IClassFixture<WorkflowApiTests.PostgresApp>;

/// <summary>
/// Stimuli from outside start and resume instances: a mention posted to the ingest API reaches the
/// engine through the journal consumer, on each storage provider (the cron schedule below runs on the engine alone).
/// </summary>
public abstract class TriggerTests(ScrmApp app)
{
    private static string Mention(string id, string author, string text) =>
        $$"""{"source":"brand","externalId":"{{id}}","author":{"id":"{{author}}","name":"用户"},"text":"{{text}}"}""";

    private async Task<HttpStatusCode> PostMentionAsync(string json)
    {
        using var ingest = app.ClientFor("ingest");
        return (await ingest.PostAsync("/api/v1/mentions", json)).Status;
    }

    private async Task<List<InstanceSummary>> InstancesAsync(string definition, string? status = null) =>
        [.. await app.Services.GetRequiredService<InstanceQueries>().ListAsync(definition, status, 1000, TestContext.Current.CancellationToken)];

    private async Task<List<InstanceSummary>> WaitForInstancesAsync(string definition, int count, string? status = null)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var instances = await InstancesAsync(definition, status);
            if (instances.Count >= count || DateTime.UtcNow > until)
            {
                instances.Count.ShouldBe(count, $"instances of {definition} ({status ?? "any status"})");
                return instances;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_posted_mention_starts_the_published_journal_trigger_once_even_when_redelivered()
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync("""
            { "id": "on-mention", "name": "On a brand mention", "options": { "keepNoOpRuns": true },
              "triggers": [{ "id": "onMention", "type": "trigger.journal", "inputs": { "kind": "mention", "channel": "brand", "correlationId": { "js": "input.payload.author.id" } } }],
              "activities": [{ "id": "keep", "type": "setVariable", "inputs": { "name": "text", "value": { "js": "input.payload.text" } } }],
              "connections": [{ "source": "onMention", "target": "keep" }] }
            """);

        (await PostMentionAsync(Mention("m-1", "fan-1", "第一条"))).ShouldBe(HttpStatusCode.Accepted);
        var first = (await WaitForInstancesAsync("on-mention", 1, "finished")).Single();
        var detail = (await app.Services.GetRequiredService<InstanceQueries>().GetAsync(first.Id, TestContext.Current.CancellationToken))!;
        detail.Variables["text"]!.GetValue<string>().ShouldBe("第一条");
        detail.Instance.CorrelationId.ShouldBe("fan-1");
        detail.Input!["kind"]!.GetValue<string>().ShouldBe("mention");

        // The same mention again is a journal duplicate; a new one starts a second instance.
        (await PostMentionAsync(Mention("m-1", "fan-1", "第一条"))).ShouldBe(HttpStatusCode.Accepted);
        (await PostMentionAsync(Mention("m-2", "fan-2", "第二条"))).ShouldBe(HttpStatusCode.Accepted);
        await WaitForInstancesAsync("on-mention", 2, "finished");

        // The consumer is at-least-once: a batch handed over again starts nothing new.
        var entries = await app.Services.GetRequiredService<JournalReader>().ReadAsync(0, 10_000, TestContext.Current.CancellationToken);
        var mine = entries.Where(e => e.IdempotencyKey.EndsWith(":m-1", StringComparison.Ordinal) || e.IdempotencyKey.EndsWith(":m-2", StringComparison.Ordinal)).ToList();
        mine.Count.ShouldBe(2);
        // (lead-conversion starts on them too: ended at its first step, those runs were counted, not stored.)
        var redelivered = await app.Services.GetRequiredService<WorkflowRuntime>().DispatchInboundAsync(
            mine.Select(WorkflowJournalHandler.ToStimulus).ToList(), TestContext.Current.CancellationToken);
        redelivered.Started.ShouldBe(0);
        (await InstancesAsync("on-mention")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task One_running_instance_per_correlation_id_holds_later_mentions_of_the_same_customer_until_it_ends()
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync("""
            { "id": "one-per-fan", "name": "One conversation per fan", "options": { "oneRunningPerCorrelation": true },
              "triggers": [{ "id": "onMention", "type": "trigger.journal", "inputs": { "kind": "mention", "correlationId": { "js": "input.payload.author.id" } } }],
              "activities": [{ "id": "await", "type": "waitForEvent", "inputs": { "event": "replied" } }],
              "connections": [{ "source": "onMention", "target": "await" }] }
            """);

        await PostMentionAsync(Mention("c-1", "alice", "hi"));
        await WaitForInstancesAsync("one-per-fan", 1, "suspended");
        await PostMentionAsync(Mention("c-2", "alice", "hello again"));
        await PostMentionAsync(Mention("c-3", "bob", "hi"));
        var running = await WaitForInstancesAsync("one-per-fan", 2, "suspended");
        running.Select(i => i.CorrelationId).ShouldBe(["alice", "bob"], ignoreOrder: true);

        var (status, result) = await api.PostAsync("/api/v1/workflows/events", """{"name":"replied","correlationId":"alice"}""");
        status.ShouldBe(HttpStatusCode.OK);
        result!["resumed"]!.GetValue<int>().ShouldBe(1);
        await WaitForInstancesAsync("one-per-fan", 1, "finished");

        // Alice's conversation ended: her next mention starts a new one.
        await PostMentionAsync(Mention("c-4", "alice", "one more thing"));
        var now = await WaitForInstancesAsync("one-per-fan", 2, "suspended");
        now.Select(i => i.CorrelationId).ShouldBe(["alice", "bob"], ignoreOrder: true);
        (await InstancesAsync("one-per-fan")).Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_hook_post_starts_its_workflow_with_the_body_as_input_and_unknown_or_bad_posts_are_refused()
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync("""
            { "id": "on-order-paid", "name": "On a paid order",
              "triggers": [{ "id": "hook", "type": "trigger.http", "inputs": { "path": "order-paid" } }],
              "activities": [{ "id": "keep", "type": "setVariable", "inputs": { "name": "amount", "value": { "js": "input.amount * 100" } } }],
              "connections": [{ "source": "hook", "target": "keep" }] }
            """);
        using var ingest = app.ClientFor("ingest");

        var (status, body) = await ingest.PostAsync("/api/v1/workflows/hooks/order-paid", """{ "orderId": "o-1", "amount": 99.5 }""");

        status.ShouldBe(HttpStatusCode.Accepted);
        body!["started"]!.GetValue<int>().ShouldBe(1);
        var started = body["instanceIds"]!.AsArray().Single()!.GetValue<string>();
        var done = await api.WaitForStatusAsync(started, "finished", TimeSpan.FromSeconds(10));
        done["variables"]!["amount"]!.GetValue<double>().ShouldBe(9950);

        (await ingest.PostAsync("/api/v1/workflows/hooks/no-such-hook", "{}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await ingest.PostAsync("/api/v1/workflows/hooks/order-paid", "{ not json")).Status.ShouldBe(HttpStatusCode.BadRequest);
        using var sales = app.ClientFor("sales");
        (await sales.PostAsync("/api/v1/workflows/hooks/order-paid", "{}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await InstancesAsync("on-order-paid")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_published_event_starts_the_workflows_listening_for_it_with_its_payload()
    {
        using var api = app.ClientFor("marketer");
        await api.PublishAsync("""
            { "id": "on-vip", "name": "On a VIP upgrade",
              "triggers": [{ "id": "vip", "type": "trigger.event", "inputs": { "event": "customer.vip" } }],
              "activities": [{ "id": "keep", "type": "setVariable", "inputs": { "name": "tier", "value": { "js": "input.tier" } } }],
              "connections": [{ "source": "vip", "target": "keep" }] }
            """);

        var (status, body) = await api.PostAsync("/api/v1/workflows/events", """{ "name": "customer.vip", "payload": { "tier": "gold" } }""");
        var (_, other) = await api.PostAsync("/api/v1/workflows/events", """{ "name": "customer.churned", "payload": { "tier": "gold" } }""");

        status.ShouldBe(HttpStatusCode.OK);
        body!["started"]!.GetValue<int>().ShouldBe(1);
        other!["started"]!.GetValue<int>().ShouldBe(0);
        var done = await api.WaitForStatusAsync(body["instanceIds"]!.AsArray().Single()!.GetValue<string>(), "finished", TimeSpan.FromSeconds(10));
        done["variables"]!["tier"]!.GetValue<string>().ShouldBe("gold");
        (await api.PostAsync("/api/v1/workflows/events", """{ "payload": {} }""")).Status.ShouldBe(HttpStatusCode.BadRequest);
    }
}

/// <summary>Cron triggers are Quartz cron schedules; a republish replaces them.</summary>
public sealed class CronTriggerTests
{
    [Fact]
    public async Task A_cron_trigger_starts_an_instance_per_fire_time_until_it_is_republished_without_it()
    {
        await using var engine = await Engine.StartAsync();
        await engine.PublishAsync("""
            { "id": "ticker", "name": "Every second",
              "triggers": [{ "id": "tick", "type": "trigger.cron", "inputs": { "cron": "0/1 * * * * ?" } }, { "id": "start", "type": "start" }],
              "activities": [{ "id": "stamp", "type": "setVariable", "inputs": { "name": "at", "value": { "js": "input.firedAt" } } }],
              "connections": [{ "source": "tick", "target": "stamp" }, { "source": "start", "target": "stamp" }] }
            """);
        var queries = engine.Host.Get<InstanceQueries>();
        var until = DateTime.UtcNow.AddSeconds(15);
        IReadOnlyList<InstanceSummary> fired;
        do
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            fired = await queries.ListAsync("ticker", "finished", 100, TestContext.Current.CancellationToken);
        }
        while (fired.Count < 2 && DateTime.UtcNow < until);

        fired.Count.ShouldBeGreaterThanOrEqualTo(2);
        var stamps = new List<string>();
        foreach (var instance in fired)
        {
            stamps.Add((await engine.InstanceAsync(instance.Id)).Variables["at"]!.GetValue<string>());
        }

        stamps.Distinct().Count().ShouldBe(stamps.Count, "one instance per fire time");

        await engine.PublishAsync("""
            { "id": "ticker", "name": "By hand only", "triggers": [{ "id": "start", "type": "start" }],
              "activities": [{ "id": "stamp", "type": "setVariable", "inputs": { "name": "at", "value": "by hand" } }],
              "connections": [{ "source": "start", "target": "stamp" }] }
            """);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        var settled = (await queries.ListAsync("ticker", null, 1000, TestContext.Current.CancellationToken)).Count;
        await Task.Delay(2_500, TestContext.Current.CancellationToken);
        (await queries.ListAsync("ticker", null, 1000, TestContext.Current.CancellationToken)).Count.ShouldBe(settled);
    }

}
