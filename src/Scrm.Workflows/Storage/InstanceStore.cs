using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scrm.Platform.Batching;
using Scrm.Platform.Storage;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Storage;

/// <summary>Hot-path reads and small writes over the engine's tables, as prepared SQL that runs on both providers.</summary>
internal sealed class InstanceStore : IEffectLedger, IAsyncDisposable
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly ScrmDatabase _database;
    private readonly TimeProvider _time;
    private readonly GroupCommit<EffectRecord, bool> _effects;

    public InstanceStore(ScrmDatabase database, TimeProvider time, ILogger<InstanceStore> log)
    {
        _database = database.Store(WorkflowsDbContext.Store);
        _time = time;
        _effects = new GroupCommit<EffectRecord, bool>(RecordBatchAsync, 500, log);
    }

    public bool UsesLeases => _database.IsPostgres;

    /// <summary>
    /// Loads an instance to resume it. On PostgreSQL (many replicas) it first takes the
    /// instance's lease, so that two replicas never run the same instance at once; a replica that
    /// died holding a lease loses it when it lapses.
    /// </summary>
    public async Task<LoadedInstance?> LoadAsync(string id, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (_database.IsPostgres)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            command.CommandText =
                """
                UPDATE workflow_instances SET lease_owner = @owner, lease_until = @until
                WHERE id = @id AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now)
                RETURNING state, row_version
                """;
            Sql.Add(command, "owner", _owner);
            Sql.Add(command, "until", now + (long)lease.TotalMilliseconds);
            Sql.Add(command, "now", now);
        }
        else
        {
            command.CommandText = "SELECT state, row_version FROM workflow_instances WHERE id = @id";
        }

        Sql.Add(command, "id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var state = JsonSerializer.Deserialize(StoredJson.Read(reader, 0), RuntimeJson.Default.InstanceState)!;
        return new LoadedInstance(state, reader.GetInt64(1));
    }

    /// <summary>Gives a lease back without committing (the burst was abandoned).</summary>
    public async Task ReleaseLeaseAsync(string id, CancellationToken cancellationToken)
    {
        if (!_database.IsPostgres)
        {
            return;
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE workflow_instances SET lease_owner = NULL, lease_until = 0 WHERE id = @id AND lease_owner = @owner";
        Sql.Add(command, "id", id);
        Sql.Add(command, "owner", _owner);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every trigger to start and bookmark to resume for these stimulus hashes, in one indexed query.</summary>
    public async Task<IReadOnlyList<StimulusMatch>> FindAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        if (hashes.Count == 0)
        {
            return [];
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var names = new List<string>(hashes.Count);
        var i = 0;
        foreach (var hash in hashes)
        {
            var name = "h" + i++.ToString(CultureInfo.InvariantCulture);
            names.Add("@" + name);
            Sql.Add(command, name, hash);
        }

        var list = string.Join(", ", names);
        command.CommandText =
            $"""
            SELECT 0, hash, definition_id, version, activity_id, NULL, NULL FROM workflow_triggers WHERE hash IN ({list})
            UNION ALL
            SELECT 1, hash, instance_id, 0, activity_id, id, correlation_id FROM workflow_bookmarks WHERE hash IN ({list})
            """;
        var matches = new List<StimulusMatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            matches.Add(new StimulusMatch(
                reader.GetInt32(0) == 0,
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return matches;
    }

    /// <summary>The instances correlated to <paramref name="correlationId"/> (an indexed lookup), oldest first.</summary>
    public async Task<IReadOnlyList<InstanceState>> CorrelatedAsync(string correlationId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT state FROM workflow_instances WHERE correlation_id = @correlation ORDER BY created_at LIMIT {limit}";
        Sql.Add(command, "correlation", correlationId);
        var states = new List<InstanceState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(JsonSerializer.Deserialize(StoredJson.Read(reader, 0), RuntimeJson.Default.InstanceState)!);
        }

        return states;
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM workflow_instances WHERE id = @id";
        Sql.Add(command, "id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<bool> HasActiveSingletonAsync(string singletonKey, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM workflow_instances WHERE singleton_key = @key";
        Sql.Add(command, "key", singletonKey);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async ValueTask<RecordedEffect> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT result FROM workflow_effects WHERE key = @key";
        Sql.Add(command, "key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return default;
        }

        return new RecordedEffect(true, reader.IsDBNull(0) ? null : JsonNode.Parse(reader.GetString(0)));
    }

    /// <summary>
    /// Records a performed effect at once, in its own transaction (the effect happened, whatever
    /// becomes of the burst); effects recorded concurrently by other bursts share that transaction.
    /// </summary>
    public async ValueTask RecordAsync(EffectRecord effect, CancellationToken cancellationToken) =>
        await _effects.SubmitAsync(effect, CancellationToken.None);

    private async Task<IReadOnlyList<bool>> RecordBatchAsync(IReadOnlyList<EffectRecord> effects, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Sql.Command(connection,
            """
            INSERT INTO workflow_effects (key, instance_id, activity_id, result, completed_at)
            VALUES (@key, @instance, @activity, @result, @at) ON CONFLICT DO NOTHING
            """,
            ("key", DbType.String), ("instance", DbType.String), ("activity", DbType.String), ("result", DbType.String), ("at", DbType.Int64));
        command.Transaction = transaction;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var effect in effects)
        {
            command.Parameters[0].Value = effect.Key;
            command.Parameters[1].Value = effect.InstanceId;
            command.Parameters[2].Value = effect.ActivityId;
            command.Parameters[3].Value = (object?)effect.Result?.ToJsonString() ?? DBNull.Value;
            command.Parameters[4].Value = now;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. effects.Select(_ => true)];
    }

    public ValueTask DisposeAsync() => _effects.DisposeAsync();

    /// <summary>Keeps an event that resumed nothing, for a bookmark that may appear within the window.</summary>
    public async Task KeepAsync(Stimulus stimulus, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in stimulus.Keys)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "INSERT INTO workflow_pending_stimuli (name, key, hash, payload, created_at, expires_at) VALUES (@name, @key, @hash, @payload, @created, @expires)";
            Sql.Add(command, "name", stimulus.Name);
            Sql.Add(command, "key", key);
            Sql.Add(command, "hash", StimulusHash.Of(stimulus.Name, key));
            Sql.Add(command, "payload", stimulus.Payload?.ToJsonString());
            Sql.Add(command, "created", now);
            Sql.Add(command, "expires", now + (long)window.TotalMilliseconds);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Kept events and undelivered outbox entries, oldest first; expired events are deleted first.</summary>
    public async Task<IReadOnlyList<PendingStimulus>> PendingAsync(IReadOnlyCollection<string>? hashes, long olderThan, int limit, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using (var expired = connection.CreateCommand())
        {
            // Look before deleting: this runs every sweep, and a write would take the database's write
            // lock from the commit writer even when there is nothing to purge.
            expired.CommandText = "SELECT 1 FROM workflow_pending_stimuli WHERE expires_at IS NOT NULL AND expires_at < @now LIMIT 1";
            Sql.Add(expired, "now", now);
            if (await expired.ExecuteScalarAsync(cancellationToken) is not null)
            {
                expired.CommandText = "DELETE FROM workflow_pending_stimuli WHERE expires_at IS NOT NULL AND expires_at < @now";
                await expired.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using var command = connection.CreateCommand();
        var filter = "created_at <= @older";
        Sql.Add(command, "older", olderThan);
        if (hashes is { Count: > 0 })
        {
            var names = hashes.Select((h, i) =>
            {
                Sql.Add(command, "h" + i.ToString(CultureInfo.InvariantCulture), h);
                return "@h" + i.ToString(CultureInfo.InvariantCulture);
            }).ToList();
            filter = $"hash IN ({string.Join(", ", names)})";
        }

        command.CommandText = $"SELECT id, name, key, payload, expires_at FROM workflow_pending_stimuli WHERE {filter} ORDER BY id LIMIT {limit}";
        var result = new List<PendingStimulus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new PendingStimulus(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : JsonNode.Parse(reader.GetString(3)),
                !reader.IsDBNull(4)));
        }

        return result;
    }

    public async Task DeletePendingAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM workflow_pending_stimuli WHERE id = @id";
        Sql.Add(command, "id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Instances left running by a burst that stopped at its limit or by a process that died mid-burst.</summary>
    public async Task<IReadOnlyList<string>> StalledAsync(long updatedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM workflow_instances WHERE status = 'running' AND updated_at < @before AND lease_until < @now ORDER BY updated_at LIMIT {limit}";
        Sql.Add(command, "before", updatedBefore);
        Sql.Add(command, "now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>
    /// Timer bookmarks past due by more than the sweep's grace: their job ran while the instance was
    /// busy (leased by a replica that died mid-burst) or was lost. Oldest first.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string InstanceId)>> OverdueTimersAsync(long dueBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Only suspended instances: a faulted or cancelled one is not resumed by its timers, and a running one is the stall sweep's.
        command.CommandText =
            $"""
            SELECT b.id, b.instance_id FROM workflow_bookmarks b JOIN workflow_instances i ON i.id = b.instance_id
            WHERE b.due_at IS NOT NULL AND b.due_at < @before AND i.status = 'suspended'
            ORDER BY b.due_at LIMIT {limit}
            """;
        Sql.Add(command, "before", dueBefore);
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    /// <summary>Timer bookmarks, for rescheduling any whose job was lost between a commit and its scheduling.</summary>
    public async Task<IReadOnlyList<(string Id, string InstanceId, long DueAt)>> TimersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, instance_id, due_at FROM workflow_bookmarks WHERE due_at IS NOT NULL";
        var result = new List<(string, string, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return result;
    }
}

internal sealed record LoadedInstance(InstanceState State, long RowVersion);

/// <summary>A trigger (definition to start) or a bookmark (instance to resume) a stimulus hash found.</summary>
internal sealed record StimulusMatch(bool IsTrigger, string Hash, string Id, int Version, string ActivityId, string? BookmarkId, string? CorrelationId);

/// <summary>A kept early event (<see cref="IsEarlyEvent"/>) or an outbox entry waiting for delivery.</summary>
internal sealed record PendingStimulus(long Id, string Name, string Key, JsonNode? Payload, bool IsEarlyEvent);
