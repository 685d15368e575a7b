using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Scrm.Ingestion;
using Scrm.Ingestion.Consumers;
using Scrm.Ingestion.Journal;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Triggers;

/// <summary>
/// Turns journal items into stimuli (<c>mention.received</c> keyed by channel, and by "" for
/// triggers on any channel) and hands each batch to the runtime: starts and resumes are committed
/// before the batch is acknowledged. Starts derive their instance ids from the item's idempotency
/// key, so a redelivered batch starts nothing twice; a start that does nothing is counted, not stored.
/// </summary>
internal sealed class WorkflowJournalHandler(WorkflowRuntime runtime, IOptions<WorkflowsOptions> options) : IJournalHandler
{
    public string Name => WorkflowsModule.JournalConsumer;

    public int BatchesInFlight => options.Value.JournalBatchesInFlight;

    public int? BatchSize => options.Value.JournalBatchSize;

    public async Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
    {
        var stimuli = new List<Stimulus>(batch.Count);
        foreach (var entry in batch)
        {
            stimuli.Add(ToStimulus(entry));
        }

        await runtime.DispatchInboundAsync(stimuli, cancellationToken);
    }

    internal static Stimulus ToStimulus(JournalEntry entry)
    {
        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(entry.Payload);
        }
        catch (JsonException)
        {
            payload = JsonValue.Create(entry.Payload);
        }

        var input = new JsonObject
        {
            ["kind"] = entry.Kind.ToWire(),
            ["channel"] = entry.Channel,
            ["account"] = entry.Account,
            ["position"] = entry.Position,
            ["occurredAt"] = entry.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["payload"] = payload,
        };
        return new Stimulus($"{entry.Kind.ToWire()}.received", [entry.Channel, ""], input, entry.IdempotencyKey);
    }
}
