using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Ingestion.Journal;
using Scrm.Search.Indexing;

namespace Scrm.Search.Lucene;

/// <summary>
/// Replicas sharing PostgreSQL but each with its own embedded index: only the replica holding the
/// indexing lease keeps its index current, so the others would answer searches from stale data.
/// Such a replica is not ready (the load balancer sends it nothing) and says why; scale-out needs
/// one search engine for all replicas (<c>Scrm:Search:Provider=Elasticsearch</c>).
/// </summary>
internal sealed partial class EmbeddedIndexReplicaCheck(JournalReader journal, IOptions<JournalOptions> options, ILogger<EmbeddedIndexReplicaCheck> log) : IHealthCheck
{
    private int _warned;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var holder = await journal.LeaseHolderAsync(SearchJournalHandler.ConsumerName, cancellationToken);
        if (holder is null || holder == options.Value.InstanceId)
        {
            return HealthCheckResult.Healthy("This replica keeps its embedded search index current.");
        }

        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogShared(log, holder);
        }

        return HealthCheckResult.Unhealthy(
            $"Replica '{holder}' indexes the shared journal into its own embedded index, so this replica's search would be stale. " +
            "Replicas sharing PostgreSQL need one search engine: set Scrm:Search:Provider=Elasticsearch, or run a single replica.");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Another replica ({Replica}) shares this PostgreSQL database and indexes into its own embedded index: this replica is not ready. Configure Elasticsearch for scale-out")]
    private static partial void LogShared(ILogger logger, string replica);
}
