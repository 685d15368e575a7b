using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Scrm.Platform.Storage;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Runtime;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.History;

/// <summary>
/// Finds and deletes ended instances past their time, a small batch per transaction: the instance
/// rows first (only while still ended and still past their time, so a faulted run retried
/// meanwhile stays), then their logs, bookmarks and effect records. Per-step counts live in their
/// own table and are never touched.
/// </summary>
internal sealed class HistoryStore(ScrmDatabase database, IDbContextFactory<WorkflowsDbContext> contexts)
{
    private readonly ScrmDatabase _database = database.Store(WorkflowsDbContext.Store);

    /// <summary>Every definition id with the history options of its newest version.</summary>
    public async Task<IReadOnlyList<(string Id, HistoryPeriods? History)>> DefinitionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var newest = await db.Definitions.AsNoTracking()
            .Where(d => d.Version == db.Definitions.Where(o => o.Id == d.Id).Max(o => o.Version))
            .Select(d => new { d.Id, d.Json })
            .ToListAsync(cancellationToken);
        return newest.ConvertAll(d => (d.Id, DefinitionJson.Deserialize(d.Json).Options.History));
    }

    /// <summary>Deletes up to <paramref name="limit"/> instances of a definition that ended with <paramref name="status"/> before <paramref name="endedBefore"/>.</summary>
    public async Task<int> DeleteEndedAsync(string definitionId, WorkflowStatus status, long endedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var ids = new List<string>(limit);
        await using (var select = connection.CreateCommand())
        {
            // The (definition_id, status, created_at) index: an instance that ended before the cutoff began before it.
            select.CommandText = $"""
                SELECT id FROM workflow_instances
                WHERE definition_id = @definition AND status = @status AND created_at < @before AND updated_at < @before
                LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
                """;
            Sql.Add(select, "definition", definitionId);
            Sql.Add(select, "status", status.ToWire());
            Sql.Add(select, "before", endedBefore);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = new List<string>(ids.Count);
        await using (var instances = Command(connection, transaction, "DELETE FROM workflow_instances WHERE id IN ({0}) AND status = @status AND updated_at < @before RETURNING id", ids))
        {
            Sql.Add(instances, "status", status.ToWire());
            Sql.Add(instances, "before", endedBefore);
            await using var reader = await instances.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                deleted.Add(reader.GetString(0));
            }
        }

        if (deleted.Count > 0)
        {
            foreach (var table in (string[])["workflow_log", "workflow_bookmarks", "workflow_effects"])
            {
                await using var dependents = Command(connection, transaction, $"DELETE FROM {table} WHERE instance_id IN ({{0}})", deleted);
                await dependents.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted.Count;
    }

    /// <summary>On SQLite, gives up to <paramref name="maxPages"/> pages freed by the deletes back to the file system.</summary>
    public Task<long> ReleaseFreePagesAsync(int maxPages, CancellationToken cancellationToken) =>
        _database.ReleaseFreePagesAsync(maxPages, cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> keys of runs that did nothing, recorded before <paramref name="before"/>.</summary>
    public async Task<int> DeleteRunKeysAsync(long before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM workflow_run_keys WHERE key IN (SELECT key FROM workflow_run_keys WHERE at < @before ORDER BY at LIMIT {limit.ToString(CultureInfo.InvariantCulture)})";
        Sql.Add(command, "before", before);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many instances of a definition ended with a status before a moment, and the bytes of their state and logs.</summary>
    public async Task<(long Instances, long Bytes)> MeasureEndedAsync(string definitionId, WorkflowStatus status, long endedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT count(*), coalesce(sum(length(i.state)), 0) + coalesce(sum((SELECT sum(length(l.records)) FROM workflow_log l WHERE l.instance_id = i.id)), 0)
            FROM workflow_instances i
            WHERE i.definition_id = @definition AND i.status = @status AND i.created_at < @before AND i.updated_at < @before
            """;
        Sql.Add(command, "definition", definitionId);
        Sql.Add(command, "status", status.ToWire());
        Sql.Add(command, "before", endedBefore);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? 0 : Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    /// <summary>Keys of runs that did nothing recorded before a moment, and their bytes (two 8-byte numbers a row).</summary>
    public async Task<(long Keys, long Bytes)> MeasureRunKeysAsync(long before, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), count(*) * 16 FROM workflow_run_keys WHERE at < @before";
        Sql.Add(command, "before", before);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    /// <summary>A command whose <c>{0}</c> is the list of <paramref name="ids"/> as parameters.</summary>
    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, List<string> ids)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = new string[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            names[i] = "@i" + i.ToString(CultureInfo.InvariantCulture);
            Sql.Add(command, names[i][1..], ids[i]);
        }

        command.CommandText = string.Format(CultureInfo.InvariantCulture, sql, string.Join(", ", names));
        return command;
    }
}
