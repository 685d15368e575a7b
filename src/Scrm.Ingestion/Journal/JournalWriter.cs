using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Batching;
using Scrm.Platform.Faults;
using Scrm.Platform.Storage;

namespace Scrm.Ingestion.Journal;

/// <summary>
/// Group commit: appends wait in a queue; one writer takes everything waiting, commits it in one
/// transaction and then completes every waiter. One fsync is shared by the whole batch, so
/// throughput grows with concurrency while each caller still hears back only after the commit.
/// </summary>
internal sealed partial class JournalWriter : IJournal, IHostedService, IAsyncDisposable
{
    // Serialises batch transactions across replicas on PostgreSQL, so positions commit in order
    // and a consumer reading "after N" can never miss a lower position that commits later.
    private const long PostgresAppendLock = 0x5C2B_0001;

    private readonly GroupCommit<IReadOnlyList<InboundItem>, IReadOnlyList<AppendResult>> _appends;
    private readonly ScrmDatabase _database;
    private readonly JournalOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JournalWriter> _log;
    private Statements? _statements;

    public JournalWriter(ScrmDatabase database, IOptions<JournalOptions> options, JournalSignal signal, TimeProvider time, ILogger<JournalWriter> log)
    {
        _database = database;
        _options = options.Value;
        _time = time;
        _log = log;
        _appends = new(CommitAsync, new GroupCommitOptions<IReadOnlyList<InboundItem>>
        {
            Name = "journal appends",
            MaxBatch = _options.MaxBatchItems,
            Weight = items => items.Count,
            Capacity = _options.QueueCapacity,
            Committed = () =>
            {
                CrashPoints.Reach(CrashPoints.JournalAppended);
                signal.Notify();
            },
            Stopped = () => new JournalUnavailableException("The journal is shutting down."),
        }, log);
    }

    public bool IsRunning => _appends.IsRunning;

    /// <summary>Transactions committed since start; appends per commit is the group-commit factor.</summary>
    public long Commits => _appends.Commits;

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<InboundItem> items, CancellationToken cancellationToken) =>
        items.Count == 0 ? [] : await _appends.SubmitAsync(items, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _appends.Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking appends, commits everything already queued, then returns.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _appends.StopAsync(cancellationToken);
        LogDrained(_log);
    }

    public async ValueTask DisposeAsync()
    {
        await _appends.DisposeAsync();
        if (_statements is not null)
        {
            await _statements.DisposeAsync();
            _statements = null;
        }
    }

    /// <summary>One batch in one transaction; an append that fails on its own is answered 503 (nothing stored).</summary>
    private async Task<IReadOnlyList<IReadOnlyList<AppendResult>>> CommitAsync(IReadOnlyList<IReadOnlyList<InboundItem>> batch, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(batch);
        }
        catch (Exception ex) when (batch.Count == 1)
        {
            LogAppendFailed(_log, ex);
            throw new JournalUnavailableException("The journal could not commit the append.", ex);
        }
    }

    private async Task<AppendResult[][]> WriteAsync(IReadOnlyList<IReadOnlyList<InboundItem>> batch)
    {
        var s = _statements ??= await Statements.OpenAsync(_database.Store(JournalStore.Name), _options.SqliteSynchronous);
        try
        {
            await using var transaction = await s.Connection.BeginTransactionAsync();
            s.Enlist(transaction);
            if (_database.IsPostgres)
            {
                await s.Lock.ExecuteNonQueryAsync();
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            long appended = 0, duplicates = 0;
            var results = new AppendResult[batch.Count][];
            for (var b = 0; b < batch.Count; b++)
            {
                var items = batch[b];
                var itemResults = results[b] = new AppendResult[items.Count];
                for (var i = 0; i < items.Count; i++)
                {
                    var result = await AppendOneAsync(s, items[i], now);
                    itemResults[i] = result;
                    if (result.Duplicate)
                    {
                        duplicates++;
                    }
                    else
                    {
                        appended++;
                    }
                }
            }

            await AddToCounterAsync(s, JournalCounters.Appended, appended);
            await AddToCounterAsync(s, JournalCounters.Duplicates, duplicates);
            await transaction.CommitAsync();
            return results;
        }
        catch
        {
            // The connection may be broken; the next batch opens a fresh one.
            _statements = null;
            await s.DisposeAsync();
            throw;
        }
    }

    private static async Task<AppendResult> AppendOneAsync(Statements s, InboundItem item, long now)
    {
        var key = item.IdempotencyKey;
        string? dedupKey = null;
        if (item.DuplicateWindow is { } window)
        {
            s.FindLatest.Parameters[0].Value = item.IdempotencyKey;
            await using (var reader = await s.FindLatest.ExecuteReaderAsync())
            {
                if (await reader.ReadAsync() && now - reader.GetInt64(1) < (long)window.TotalMilliseconds)
                {
                    return new AppendResult(reader.GetInt64(0), Duplicate: true);
                }
            }

            dedupKey = item.IdempotencyKey;
            key = $"{item.IdempotencyKey}@{now}";
        }

        var p = s.Insert.Parameters;
        p[0].Value = key;
        p[1].Value = (object?)dedupKey ?? DBNull.Value;
        p[2].Value = item.Kind.ToWire();
        p[3].Value = item.Channel;
        p[4].Value = item.Account;
        p[5].Value = item.OccurredAt.ToUnixTimeMilliseconds();
        p[6].Value = now;
        p[7].Value = item.Payload;
        if (await s.Insert.ExecuteScalarAsync() is { } inserted)
        {
            return new AppendResult(Convert.ToInt64(inserted, System.Globalization.CultureInfo.InvariantCulture), Duplicate: false);
        }

        s.FindKey.Parameters[0].Value = key;
        var existing = await s.FindKey.ExecuteScalarAsync()
            ?? throw new InvalidOperationException("An append conflicted on its key but the key is not in the journal.");
        return new AppendResult(Convert.ToInt64(existing, System.Globalization.CultureInfo.InvariantCulture), Duplicate: true);
    }

    private static async Task AddToCounterAsync(Statements s, string counter, long amount)
    {
        if (amount == 0)
        {
            return;
        }

        s.AddToCounter.Parameters[0].Value = amount;
        s.AddToCounter.Parameters[1].Value = counter;
        await s.AddToCounter.ExecuteNonQueryAsync();
    }

    /// <summary>The writer's own connection and prepared statements; the same SQL runs on both providers.</summary>
    private sealed class Statements : IAsyncDisposable
    {
        private Statements(DbConnection connection)
        {
            Connection = connection;
            Insert = Command(connection,
                """
                INSERT INTO journal_items (idempotency_key, dedup_key, kind, channel, account, occurred_at, received_at, payload)
                VALUES (@key, @dedup, @kind, @channel, @account, @occurred, @received, @payload)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING position
                """,
                ("key", DbType.String), ("dedup", DbType.String), ("kind", DbType.String), ("channel", DbType.String),
                ("account", DbType.String), ("occurred", DbType.Int64), ("received", DbType.Int64), ("payload", DbType.String));
            FindKey = Command(connection, "SELECT position FROM journal_items WHERE idempotency_key = @key", ("key", DbType.String));
            FindLatest = Command(connection,
                "SELECT position, received_at FROM journal_items WHERE dedup_key = @dedup ORDER BY position DESC LIMIT 1",
                ("dedup", DbType.String));
            AddToCounter = Command(connection, "UPDATE journal_counters SET value = value + @amount WHERE name = @name",
                ("amount", DbType.Int64), ("name", DbType.String));
            Lock = Command(connection, $"SELECT pg_advisory_xact_lock({PostgresAppendLock})");
        }

        public DbConnection Connection { get; }
        public DbCommand Insert { get; }
        public DbCommand FindKey { get; }
        public DbCommand FindLatest { get; }
        public DbCommand AddToCounter { get; }
        public DbCommand Lock { get; }

        public static async Task<Statements> OpenAsync(ScrmDatabase database, SqliteSynchronous synchronous)
        {
            var connection = await database.OpenConnectionAsync(CancellationToken.None);
            if (!database.IsPostgres)
            {
                // By default what was acknowledged survives power loss, not only a killed process.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = $"PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()}";
                await pragma.ExecuteNonQueryAsync();
            }

            return new(connection);
        }

        public void Enlist(DbTransaction transaction)
        {
            foreach (var command in new[] { Insert, FindKey, FindLatest, AddToCounter, Lock })
            {
                command.Transaction = transaction;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in new[] { Insert, FindKey, FindLatest, AddToCounter, Lock })
            {
                await command.DisposeAsync();
            }

            await Connection.DisposeAsync();
        }

        private static DbCommand Command(DbConnection connection, string sql, params (string Name, DbType Type)[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, type) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.DbType = type;
                command.Parameters.Add(parameter);
            }

            return command;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An append could not be committed")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal writer drained its queue and stopped")]
    private static partial void LogDrained(ILogger logger);
}
