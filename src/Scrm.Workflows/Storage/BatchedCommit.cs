using System.Data.Common;
using System.Globalization;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Storage;

/// <summary>
/// A group commit for a database over the network (PostgreSQL): the statements of every burst go
/// in two round trips instead of one per statement. The first writes the instance rows and learns
/// which bursts conflicted; the second writes the log, bookmarks and counters of those that did not.
/// Outbox entries (rare: a child workflow) follow one by one, for their generated ids.
/// </summary>
internal static class BatchedCommit
{
    private const string Insert =
        """
        INSERT INTO workflow_instances (id, definition_id, version, status, correlation_id, singleton_key, parent_id, state,
            incident_count, created_at, updated_at, finished_at, row_version, lease_owner, lease_until)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, NULL, 0)
        ON CONFLICT DO NOTHING
        """;

    private const string Update =
        """
        UPDATE workflow_instances SET status = $1, correlation_id = $2, singleton_key = $3, state = $4,
            incident_count = $5, updated_at = $6, finished_at = $7, row_version = row_version + 1, lease_owner = NULL, lease_until = 0
        WHERE id = $8 AND row_version = $9
        """;

    private const string Log = "INSERT INTO workflow_log (instance_id, seq, records, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

    private const string AddBookmark =
        """
        INSERT INTO workflow_bookmarks (id, instance_id, hash, name, activity_id, correlation_id, created_at, due_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
        """;

    private const string RunKey = "INSERT INTO workflow_run_keys (key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING";

    private const string DeleteBookmark = "DELETE FROM workflow_bookmarks WHERE id = $1";

    private const string Count =
        """
        INSERT INTO workflow_activity_counts (definition_id, version, activity_id, entered, completed, faulted, waiting)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (definition_id, version, activity_id) DO UPDATE SET
            entered = workflow_activity_counts.entered + excluded.entered,
            completed = workflow_activity_counts.completed + excluded.completed,
            faulted = workflow_activity_counts.faulted + excluded.faulted,
            waiting = workflow_activity_counts.waiting + excluded.waiting
        """;

    private const string Outbox =
        "INSERT INTO workflow_pending_stimuli (name, key, hash, payload, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, NULL) RETURNING id";

    public static async Task<CommitResult[]> WriteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<InstanceCommit> commits)
    {
        var results = new CommitResult[commits.Count];
        await using (var rows = connection.CreateBatch())
        {
            rows.Transaction = transaction;
            foreach (var commit in commits)
            {
                var state = commit.State;
                var status = state.Status.ToWire();
                if (commit.NoOp)
                {
                    Add(rows, RunKey, NoOpRun.Key(state.Id), state.UpdatedAt);
                }
                else if (commit.ExpectedVersion == 0)
                {
                    Add(rows, Insert, state.Id, state.DefinitionId, state.Version, status, state.CorrelationId, commit.SingletonKey, state.ParentInstanceId,
                        commit.StoredState, state.Incidents.Count, state.CreatedAt, state.UpdatedAt, state.FinishedAt);
                }
                else
                {
                    Add(rows, Update, status, state.CorrelationId, commit.SingletonKey, commit.StoredState, state.Incidents.Count, state.UpdatedAt,
                        state.FinishedAt, state.Id, commit.ExpectedVersion);
                }
            }

            await rows.ExecuteNonQueryAsync();
            for (var i = 0; i < commits.Count; i++)
            {
                results[i] = rows.BatchCommands[i].RecordsAffected == 0
                    ? CommitResult.Conflicted
                    : new CommitResult(CommitOutcome.Committed, commits[i].ExpectedVersion + 1, []);
            }
        }

        var counts = new Dictionary<(string, int, string), ActivityCounts>();
        await using (var rest = connection.CreateBatch())
        {
            rest.Transaction = transaction;
            for (var i = 0; i < commits.Count; i++)
            {
                if (results[i].Outcome == CommitOutcome.Committed)
                {
                    AddDependents(rest, commits[i], counts);
                }
            }

            foreach (var ((definition, version, activity), c) in counts)
            {
                Add(rest, Count, definition, version, activity, c.Entered, c.Completed, c.Faulted, c.Waiting);
            }

            if (rest.BatchCommands.Count > 0)
            {
                await rest.ExecuteNonQueryAsync();
            }
        }

        for (var i = 0; i < commits.Count; i++)
        {
            if (results[i].Outcome == CommitOutcome.Committed && commits[i].Outbox.Count > 0)
            {
                results[i] = results[i] with { OutboxIds = await WriteOutboxAsync(connection, transaction, commits[i]) };
            }
        }

        return results;
    }

    private static void AddDependents(DbBatch batch, InstanceCommit commit, Dictionary<(string, int, string), ActivityCounts> counts)
    {
        var state = commit.State;
        if (commit.StoredLog is not null)
        {
            Add(batch, Log, state.Id, state.LogSeq, commit.StoredLog, state.UpdatedAt);
        }

        foreach (var id in commit.RemovedBookmarks)
        {
            Add(batch, DeleteBookmark, id);
        }

        foreach (var b in commit.AddedBookmarks)
        {
            Add(batch, AddBookmark, b.Id, state.Id, b.Hash, b.Name, b.ActivityId, state.CorrelationId, b.CreatedAt, b.DueAt);
        }

        foreach (var (activity, c) in commit.Counts)
        {
            var key = (state.DefinitionId, state.Version, activity);
            var sum = counts.GetValueOrDefault(key);
            counts[key] = new ActivityCounts(sum.Entered + c.Entered, sum.Completed + c.Completed, sum.Faulted + c.Faulted, sum.Waiting + c.Waiting);
        }
    }

    private static async Task<IReadOnlyList<long>> WriteOutboxAsync(DbConnection connection, DbTransaction transaction, InstanceCommit commit)
    {
        var ids = new List<long>(commit.Outbox.Count);
        foreach (var o in commit.Outbox)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Outbox;
            foreach (var value in new object?[] { o.Name, o.Key, StimulusHash.Of(o.Name, o.Key), o.Payload?.ToJsonString(), commit.State.UpdatedAt })
            {
                var parameter = command.CreateParameter();
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            ids.Add(Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }

        return ids;
    }

    /// <summary>One statement with positional parameters ($1, $2, ...): nothing to rewrite on the way to the server.</summary>
    private static void Add(DbBatch batch, string sql, params object?[] values)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var value in values)
        {
            var parameter = command.CreateParameter();
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        batch.BatchCommands.Add(command);
    }
}
