using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Batching;
using Scrm.Platform.Faults;
using Scrm.Platform.Storage;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.Storage;

/// <summary>
/// Group commit for instance state: bursts wait in the group-commit loop; it takes everything
/// waiting, and this writes each instance's state, log, bookmarks, counters and outbox in one
/// transaction; every waiter hears back only after the commit. Each instance's state is committed
/// before its caller hears back; thousands of short instances share one fsync.
/// </summary>
/// <remarks>
/// Its SQLite connection waits for a competing writer with SQLite's own short back-off instead of
/// the provider's fixed 150 ms retry sleep.
/// </remarks>
internal sealed class CommitWriter : IHostedService, IAsyncDisposable
{
    private readonly GroupCommit<InstanceCommit, CommitResult> _bursts;
    private readonly ScrmDatabase _database;
    private readonly WorkflowsOptions _options;
    private CommitStatements? _statements;

    public CommitWriter(ScrmDatabase database, IOptions<WorkflowsOptions> options, ILogger<CommitWriter> log)
    {
        _database = database.Store(WorkflowsDbContext.Store);
        _options = options.Value;
        _bursts = new((batch, _) => WriteAsync(batch), new GroupCommitOptions<InstanceCommit>
        {
            Name = "workflow bursts",
            MaxBatch = _options.MaxCommitBatch,
            Committed = () => CrashPoints.Reach(CrashPoints.InstanceCommitted),
            Stopped = () => new InvalidOperationException("The workflow commit writer is stopped."),
        }, log);
    }

    /// <summary>Transactions committed since start.</summary>
    public long Transactions => _bursts.Commits;

    /// <summary>Whether logs and ended instances' state are written compressed (<see cref="StoredJson"/>): on SQLite unless switched off.</summary>
    public bool CompressesHistory => !_database.IsPostgres && _options.History.Compress;

    public Task<CommitResult> CommitAsync(InstanceCommit commit) => _bursts.SubmitAsync(commit, CancellationToken.None);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _bursts.Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking bursts, commits everything already queued, then returns.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _bursts.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as a hosted service: the container disposes it twice, which the loop allows.
        await _bursts.DisposeAsync();
        if (_statements is not null)
        {
            await _statements.DisposeAsync();
            _statements = null;
        }
    }

    private async Task<IReadOnlyList<CommitResult>> WriteAsync(IReadOnlyList<InstanceCommit> batch)
    {
        var s = _statements ??= await CommitStatements.OpenAsync(_database);
        try
        {
            await using var transaction = await s.Connection.BeginTransactionAsync();
            if (_database.IsPostgres)
            {
                // Over the network (PostgreSQL): two round trips for the whole group instead of one per statement.
                var batched = await BatchedCommit.WriteAsync(s.Connection, transaction, batch);
                CrashPoints.Reach(CrashPoints.InstanceCommitWriting);
                await transaction.CommitAsync();
                return batched;
            }

            s.Enlist(transaction);
            var results = new CommitResult[batch.Count];
            var counts = new Dictionary<(string, int, string), ActivityCounts>();
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = await WriteOneAsync(s, batch[i], counts);
            }

            foreach (var ((definition, version, activity), c) in counts)
            {
                var p = s.Count.Parameters;
                p[0].Value = definition;
                p[1].Value = version;
                p[2].Value = activity;
                p[3].Value = c.Entered;
                p[4].Value = c.Completed;
                p[5].Value = c.Faulted;
                p[6].Value = c.Waiting;
                await s.Count.ExecuteNonQueryAsync();
            }

            CrashPoints.Reach(CrashPoints.InstanceCommitWriting);
            await transaction.CommitAsync();
            return results;
        }
        catch
        {
            _statements = null;
            await s.DisposeAsync();
            throw;
        }
    }

    private static async Task<CommitResult> WriteOneAsync(CommitStatements s, InstanceCommit commit, Dictionary<(string, int, string), ActivityCounts> counts)
    {
        var state = commit.State;
        var status = state.Status.ToWire();
        if (commit.NoOp)
        {
            s.RunKey.Parameters[0].Value = NoOpRun.Key(state.Id);
            s.RunKey.Parameters[1].Value = state.UpdatedAt;
            if (await s.RunKey.ExecuteNonQueryAsync() == 0)
            {
                return CommitResult.Conflicted;
            }
        }
        else if (commit.ExpectedVersion == 0)
        {
            var p = s.Insert.Parameters;
            p[0].Value = state.Id;
            p[1].Value = state.DefinitionId;
            p[2].Value = state.Version;
            p[3].Value = status;
            p[4].Value = (object?)state.CorrelationId ?? DBNull.Value;
            p[5].Value = (object?)commit.SingletonKey ?? DBNull.Value;
            p[6].Value = (object?)state.ParentInstanceId ?? DBNull.Value;
            p[7].Value = commit.StoredState;
            p[7].DbType = commit.StoredState is byte[] ? DbType.Binary : DbType.String;
            p[8].Value = state.Incidents.Count;
            p[9].Value = state.CreatedAt;
            p[10].Value = state.UpdatedAt;
            p[11].Value = (object?)state.FinishedAt ?? DBNull.Value;
            if (await s.Insert.ExecuteNonQueryAsync() == 0)
            {
                return CommitResult.Conflicted;
            }
        }
        else
        {
            var p = s.Update.Parameters;
            p[0].Value = status;
            p[1].Value = (object?)state.CorrelationId ?? DBNull.Value;
            p[2].Value = (object?)commit.SingletonKey ?? DBNull.Value;
            p[3].Value = commit.StoredState;
            p[3].DbType = commit.StoredState is byte[] ? DbType.Binary : DbType.String;
            p[4].Value = state.Incidents.Count;
            p[5].Value = state.UpdatedAt;
            p[6].Value = (object?)state.FinishedAt ?? DBNull.Value;
            p[7].Value = state.Id;
            p[8].Value = commit.ExpectedVersion;
            if (await s.Update.ExecuteNonQueryAsync() == 0)
            {
                return CommitResult.Conflicted;
            }
        }

        if (commit.StoredLog is not null)
        {
            var p = s.Log.Parameters;
            p[0].Value = state.Id;
            p[1].Value = state.LogSeq;
            p[2].Value = commit.StoredLog;
            p[2].DbType = commit.StoredLog is byte[] ? DbType.Binary : DbType.String;
            p[3].Value = state.UpdatedAt;
            await s.Log.ExecuteNonQueryAsync();
        }

        foreach (var id in commit.RemovedBookmarks)
        {
            s.DeleteBookmark.Parameters[0].Value = id;
            await s.DeleteBookmark.ExecuteNonQueryAsync();
        }

        foreach (var b in commit.AddedBookmarks)
        {
            var p = s.AddBookmark.Parameters;
            p[0].Value = b.Id;
            p[1].Value = state.Id;
            p[2].Value = b.Hash;
            p[3].Value = b.Name;
            p[4].Value = b.ActivityId;
            p[5].Value = (object?)state.CorrelationId ?? DBNull.Value;
            p[6].Value = b.CreatedAt;
            p[7].Value = (object?)b.DueAt ?? DBNull.Value;
            await s.AddBookmark.ExecuteNonQueryAsync();
        }

        foreach (var (activity, c) in commit.Counts)
        {
            var key = (state.DefinitionId, state.Version, activity);
            var sum = counts.GetValueOrDefault(key);
            counts[key] = new ActivityCounts(sum.Entered + c.Entered, sum.Completed + c.Completed, sum.Faulted + c.Faulted, sum.Waiting + c.Waiting);
        }

        var outboxIds = commit.Outbox.Count == 0 ? (IReadOnlyList<long>)[] : new List<long>(commit.Outbox.Count);
        foreach (var o in commit.Outbox)
        {
            var p = s.Outbox.Parameters;
            p[0].Value = o.Name;
            p[1].Value = o.Key;
            p[2].Value = StimulusHash.Of(o.Name, o.Key);
            p[3].Value = (object?)o.Payload?.ToJsonString() ?? DBNull.Value;
            p[4].Value = state.UpdatedAt;
            ((List<long>)outboxIds).Add(Convert.ToInt64(await s.Outbox.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }

        return new CommitResult(CommitOutcome.Committed, commit.ExpectedVersion + 1, outboxIds);
    }
}
