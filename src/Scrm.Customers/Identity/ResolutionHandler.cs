using Microsoft.Extensions.Options;
using Scrm.Customers.Directory;
using Scrm.Ingestion.Consumers;
using Scrm.Ingestion.Journal;

namespace Scrm.Customers.Identity;

/// <summary>Identity resolution as a journal consumer: every lead, mention, message and contact event lands on one customer.</summary>
internal sealed class ResolutionHandler(ResolutionEngine engine, CustomerDirectory directory, IOptions<ResolutionOptions> options) : IJournalHandler
{
    public string Name => CustomersModule.ResolutionConsumer;

    public async Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
    {
        var observations = new List<Observation>(batch.Count);
        foreach (var entry in batch)
        {
            if (InboundObservations.From(entry, options.Value) is { } observation)
            {
                observations.Add(observation);
            }
        }

        if (observations.Count > 0)
        {
            await engine.ApplyAsync(observations, cancellationToken);
        }

        if (batch.Count > 0)
        {
            directory.Resolved(batch[^1].Position);
        }
    }
}
