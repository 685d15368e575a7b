using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.History;

/// <summary>What one sweep deleted.</summary>
/// <param name="PagesReleased">SQLite pages given back to the file system after the deletes.</param>
internal sealed record HistorySweep(long Instances, long RunKeys, long PagesReleased = 0);

/// <summary>What retention would delete now, per definition and ended status.</summary>
internal sealed record HistoryDue(string DefinitionId, string Status, TimeSpan KeptFor, long Instances, long Bytes);

/// <summary>
/// Deletes ended instances and their logs once their definition's history period has passed, and
/// the keys of runs that did nothing once they can no longer be redelivered, in small batches with
/// a pause between them so the commit writer is never held up for long.
/// </summary>
internal sealed partial class HistoryRetention : Scrm.Platform.Storage.IRetentionReport
{
    private readonly HistoryStore _store;
    private readonly TimeProvider _time;
    private readonly HistoryOptions _options;
    private readonly ILogger<HistoryRetention> _log;

    public HistoryRetention(HistoryStore store, TimeProvider time, IOptions<WorkflowsOptions> options, ILogger<HistoryRetention> log)
    {
        _store = store;
        _time = time;
        _options = options.Value.History;
        _log = log;
    }

    /// <summary>Deletes everything past its time as of <paramref name="now"/> (the clock's now by default).</summary>
    public async Task<HistorySweep> SweepAsync(DateTimeOffset? now, CancellationToken cancellationToken)
    {
        var at = now ?? _time.GetUtcNow();
        long instances = 0;
        foreach (var (definitionId, history) in await _store.DefinitionsAsync(cancellationToken))
        {
            foreach (var (status, keep) in HistoryPolicy.For(history, _options))
            {
                var before = HistoryPolicy.EndedBefore(at, keep);
                int deleted;
                do
                {
                    deleted = await _store.DeleteEndedAsync(definitionId, status, before, _options.BatchSize, cancellationToken);
                    instances += deleted;
                    await PauseAsync(deleted, cancellationToken);
                }
                while (deleted == _options.BatchSize);
            }
        }

        long keys = 0;
        var keysBefore = HistoryPolicy.EndedBefore(at, _options.NoOpRunKeys);
        int batch;
        do
        {
            batch = await _store.DeleteRunKeysAsync(keysBefore, _options.BatchSize * 10, cancellationToken);
            keys += batch;
            await PauseAsync(batch, cancellationToken);
        }
        while (batch == _options.BatchSize * 10);

        long released = 0;
        if (instances + keys > 0)
        {
            // In chunks, so the write lock is never held long.
            long chunk;
            while ((chunk = await _store.ReleaseFreePagesAsync(1024, cancellationToken)) > 0)
            {
                released += chunk;
                await PauseAsync(1, cancellationToken);
            }

            LogSwept(_log, instances, keys);
        }

        return new HistorySweep(instances, keys, released);
    }

    /// <summary>What a sweep at <paramref name="now"/> would delete, per definition and status (for the storage report).</summary>
    public async Task<IReadOnlyList<HistoryDue>> DueAsync(DateTimeOffset? now, CancellationToken cancellationToken)
    {
        var at = now ?? _time.GetUtcNow();
        var due = new List<HistoryDue>();
        foreach (var (definitionId, history) in await _store.DefinitionsAsync(cancellationToken))
        {
            foreach (var (status, keep) in HistoryPolicy.For(history, _options))
            {
                var (count, bytes) = await _store.MeasureEndedAsync(definitionId, status, HistoryPolicy.EndedBefore(at, keep), cancellationToken);
                if (count > 0)
                {
                    due.Add(new HistoryDue(definitionId, status.ToWire(), keep, count, bytes));
                }
            }
        }

        return due;
    }

    async Task<IReadOnlyList<Scrm.Platform.Storage.RetentionDue>> Scrm.Platform.Storage.IRetentionReport.DueAsync(CancellationToken cancellationToken)
    {
        var due = (await DueAsync(null, cancellationToken))
            .Select(d => new Scrm.Platform.Storage.RetentionDue("workflows", $"{d.Status} instances of {d.DefinitionId} with their logs", d.KeptFor, d.Instances, d.Bytes))
            .ToList();
        var (keys, bytes) = await _store.MeasureRunKeysAsync(HistoryPolicy.EndedBefore(_time.GetUtcNow(), _options.NoOpRunKeys), cancellationToken);
        if (keys > 0)
        {
            due.Add(new Scrm.Platform.Storage.RetentionDue("workflows", "keys of runs that did nothing", _options.NoOpRunKeys, keys, bytes));
        }

        return due;
    }

    /// <summary>Keys of runs that did nothing a sweep at <paramref name="now"/> would delete.</summary>
    public async Task<long> DueRunKeysAsync(DateTimeOffset? now, CancellationToken cancellationToken) =>
        (await _store.MeasureRunKeysAsync(HistoryPolicy.EndedBefore(now ?? _time.GetUtcNow(), _options.NoOpRunKeys), cancellationToken)).Keys;

    private Task PauseAsync(int deleted, CancellationToken cancellationToken) =>
        deleted > 0 && _options.BatchPause > TimeSpan.Zero ? Task.Delay(_options.BatchPause, _time, cancellationToken) : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow history sweep deleted {Instances} ended instances and {RunKeys} keys of runs that did nothing")]
    private static partial void LogSwept(ILogger logger, long instances, long runKeys);
}
