using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scrm.Workflows.Runtime;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Api;

/// <summary>Read models for the API: instance lists, one instance with its log, per-activity counts.</summary>
internal sealed class InstanceQueries(IDbContextFactory<WorkflowsDbContext> contexts)
{
    public async Task<IReadOnlyList<InstanceSummary>> ListAsync(string? definitionId, string? status, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Instances.AsNoTracking();
        if (definitionId is not null)
        {
            query = query.Where(i => i.DefinitionId == definitionId);
        }

        if (status is not null)
        {
            query = query.Where(i => i.Status == status);
        }

        var rows = await query.OrderByDescending(i => i.CreatedAt).Take(limit)
            .Select(i => new { i.Id, i.DefinitionId, i.Version, i.Status, i.CorrelationId, i.IncidentCount, i.CreatedAt, i.UpdatedAt, i.FinishedAt })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(i => new InstanceSummary(i.Id, i.DefinitionId, i.Version, i.Status, i.CorrelationId, i.IncidentCount,
            Time(i.CreatedAt), Time(i.UpdatedAt), i.FinishedAt is { } f ? Time(f) : null));
    }

    public async Task<InstanceDetail?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Instances.AsNoTracking().Where(i => i.Id == id)
            .Select(i => new { i.Id, i.DefinitionId, i.Version, i.Status, i.CorrelationId, i.IncidentCount, i.CreatedAt, i.UpdatedAt, i.FinishedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        // State and log rows may be compressed (StoredJson): read as stored, not through the text-typed model.
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var stored = await StoredAsync(connection, "SELECT state FROM workflow_instances WHERE id = @id", id, cancellationToken, withLog: true);
        if (stored.Count == 0)
        {
            return null;
        }

        var (stateJson, lastLog) = StoredJson.DecodeWithLog(stored[0]);
        var state = JsonSerializer.Deserialize(stateJson, RuntimeJson.Default.InstanceState)!;
        var bursts = await StoredAsync(connection, "SELECT records FROM workflow_log WHERE instance_id = @id ORDER BY seq", id, cancellationToken);
        // A finished instance's last burst may be stored inside its state (StoredJson.EncodeWithLog).
        var log = bursts.Select(b => (string)b).Append(lastLog).OfType<string>()
            .SelectMany(b => JsonSerializer.Deserialize(b, RuntimeJson.Default.ListActivityLogRecord)!).ToList();
        return new InstanceDetail(
            new InstanceSummary(row.Id, row.DefinitionId, row.Version, row.Status, row.CorrelationId, row.IncidentCount,
                Time(row.CreatedAt), Time(row.UpdatedAt), row.FinishedAt is { } f ? Time(f) : null),
            state.Input,
            state.Variables,
            state.Bookmarks.Select(b => new BookmarkView(b.Id, b.Name, b.ActivityId, b.DueAt is { } d ? Time(d) : null)).ToList(),
            state.Incidents,
            log);
    }

    public async Task<IReadOnlyList<ActivityCountView>> CountsAsync(string definitionId, int version, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Counts.AsNoTracking().Where(c => c.DefinitionId == definitionId && c.Version == version)
            .OrderBy(c => c.ActivityId)
            .Select(c => new ActivityCountView(c.ActivityId, c.Entered, c.Completed, c.Faulted, c.Waiting))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The stored values as JSON text, or as stored when <paramref name="withLog"/> (a state that may hold its last log).</summary>
    private static async Task<List<object>> StoredAsync(System.Data.Common.DbConnection connection, string sql, string id, CancellationToken cancellationToken, bool withLog = false)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Sql.Add(command, "id", id);
        var values = new List<object>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(withLog ? reader.GetValue(0) : StoredJson.Read(reader, 0));
        }

        return values;
    }

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

internal sealed record InstanceSummary(string Id, string DefinitionId, int Version, string Status, string? CorrelationId, int Incidents,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt);

internal sealed record InstanceDetail(InstanceSummary Instance, JsonNode? Input, IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyList<BookmarkView> Bookmarks, IReadOnlyList<Incident> IncidentLog, IReadOnlyList<ActivityLogRecord> Log);

internal sealed record ActivityCountView(string ActivityId, long Entered, long Completed, long Faulted, long Waiting);
