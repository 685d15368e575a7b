using System.Data;
using System.Data.Common;
using Scrm.Platform.Storage;

namespace Scrm.Workflows.Storage;

/// <summary>The commit writer's own connection, and the prepared statements its one-statement-at-a-time path (SQLite) reuses for every group commit.</summary>
internal sealed class CommitStatements : IAsyncDisposable
{
    private readonly DbCommand[] _all;

    private CommitStatements(DbConnection connection)
    {
        Connection = connection;
        Insert = Sql.Command(connection,
            """
            INSERT INTO workflow_instances (id, definition_id, version, status, correlation_id, singleton_key, parent_id, state,
                incident_count, created_at, updated_at, finished_at, row_version, lease_owner, lease_until)
            VALUES (@id, @definition, @version, @status, @correlation, @singleton, @parent, @state, @incidents, @created, @updated, @finished, 1, NULL, 0)
            ON CONFLICT DO NOTHING
            """,
            ("id", DbType.String), ("definition", DbType.String), ("version", DbType.Int32), ("status", DbType.String),
            ("correlation", DbType.String), ("singleton", DbType.String), ("parent", DbType.String), ("state", DbType.String),
            ("incidents", DbType.Int32), ("created", DbType.Int64), ("updated", DbType.Int64), ("finished", DbType.Int64));
        Update = Sql.Command(connection,
            """
            UPDATE workflow_instances SET status = @status, correlation_id = @correlation, singleton_key = @singleton, state = @state,
                incident_count = @incidents, updated_at = @updated, finished_at = @finished, row_version = row_version + 1,
                lease_owner = NULL, lease_until = 0
            WHERE id = @id AND row_version = @expected
            """,
            ("status", DbType.String), ("correlation", DbType.String), ("singleton", DbType.String), ("state", DbType.String),
            ("incidents", DbType.Int32), ("updated", DbType.Int64), ("finished", DbType.Int64), ("id", DbType.String), ("expected", DbType.Int64));
        Log = Sql.Command(connection,
            "INSERT INTO workflow_log (instance_id, seq, records, at) VALUES (@instance, @seq, @records, @at) ON CONFLICT DO NOTHING",
            ("instance", DbType.String), ("seq", DbType.Int32), ("records", DbType.String), ("at", DbType.Int64));
        AddBookmark = Sql.Command(connection,
            """
            INSERT INTO workflow_bookmarks (id, instance_id, hash, name, activity_id, correlation_id, created_at, due_at)
            VALUES (@id, @instance, @hash, @name, @activity, @correlation, @created, @due) ON CONFLICT DO NOTHING
            """,
            ("id", DbType.String), ("instance", DbType.String), ("hash", DbType.String), ("name", DbType.String),
            ("activity", DbType.String), ("correlation", DbType.String), ("created", DbType.Int64), ("due", DbType.Int64));
        DeleteBookmark = Sql.Command(connection, "DELETE FROM workflow_bookmarks WHERE id = @id", ("id", DbType.String));
        Count = Sql.Command(connection,
            """
            INSERT INTO workflow_activity_counts (definition_id, version, activity_id, entered, completed, faulted, waiting)
            VALUES (@definition, @version, @activity, @entered, @completed, @faulted, @waiting)
            ON CONFLICT (definition_id, version, activity_id) DO UPDATE SET
                entered = workflow_activity_counts.entered + excluded.entered,
                completed = workflow_activity_counts.completed + excluded.completed,
                faulted = workflow_activity_counts.faulted + excluded.faulted,
                waiting = workflow_activity_counts.waiting + excluded.waiting
            """,
            ("definition", DbType.String), ("version", DbType.Int32), ("activity", DbType.String), ("entered", DbType.Int64),
            ("completed", DbType.Int64), ("faulted", DbType.Int64), ("waiting", DbType.Int64));
        Outbox = Sql.Command(connection,
            "INSERT INTO workflow_pending_stimuli (name, key, hash, payload, created_at, expires_at) VALUES (@name, @key, @hash, @payload, @created, NULL) RETURNING id",
            ("name", DbType.String), ("key", DbType.String), ("hash", DbType.String), ("payload", DbType.String), ("created", DbType.Int64));
        RunKey = Sql.Command(connection, "INSERT INTO workflow_run_keys (key, at) VALUES (@key, @at) ON CONFLICT DO NOTHING",
            ("key", DbType.Int64), ("at", DbType.Int64));
        _all = [Insert, Update, Log, AddBookmark, DeleteBookmark, Count, Outbox, RunKey];
    }

    public DbConnection Connection { get; }
    public DbCommand Insert { get; }
    public DbCommand Update { get; }
    public DbCommand Log { get; }
    public DbCommand AddBookmark { get; }
    public DbCommand DeleteBookmark { get; }
    public DbCommand Count { get; }
    public DbCommand Outbox { get; }
    public DbCommand RunKey { get; }

    public static async Task<CommitStatements> OpenAsync(ScrmDatabase database)
    {
        var connection = await database.OpenConnectionAsync(CancellationToken.None);
        if (!database.IsPostgres)
        {
            // When another connection is writing, let SQLite wait with its short back-off; without a
            // busy timeout the provider retries after a fixed 150 ms sleep, stalling every queued burst.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 30000";
            await pragma.ExecuteNonQueryAsync();
        }

        return new(connection);
    }

    public void Enlist(DbTransaction transaction)
    {
        foreach (var command in _all)
        {
            command.Transaction = transaction;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _all)
        {
            await command.DisposeAsync();
        }

        await Connection.DisposeAsync();
    }
}

internal static class Sql
{
    public static DbCommand Command(DbConnection connection, string sql, params (string Name, DbType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            var parameter = command.CreateParameter();
            // Named as written in the SQL: SQLite then finds it in one lookup instead of trying each prefix.
            parameter.ParameterName = "@" + name;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
