using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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

    private readonly Channel<PendingAppend> _queue;
    private readonly ScrmDatabase _database;
    private readonly JournalOptions _options;
    private readonly JournalSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger<JournalWriter> _log;
    private Task? _loop;
    private Statements? _statements;
    private long _commits;

    public JournalWriter(ScrmDatabase database, IOptions<JournalOptions> options, JournalSignal signal, TimeProvider time, ILogger<JournalWriter> log)
    {
        _database = database;
        _options = options.Value;
        _signal = signal;
        _time = time;
        _log = log;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public bool IsRunning => _loop is { IsCompleted: false };

    /// <summary>Transactions committed since start; appends per commit is the group-commit factor.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<InboundItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var pending = new PendingAppend(items);
        if (!_queue.Writer.TryWrite(pending))
        {
            try
            {
                await _queue.Writer.WriteAsync(pending, cancellationToken);
            }
            catch (ChannelClosedException)
            {
                throw new JournalUnavailableException("The journal is shutting down.");
            }
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking appends, commits everything already queued, then returns.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken);
            LogDrained(_log);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_statements is not null)
        {
            await _statements.DisposeAsync();
            _statements = null;
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingAppend>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var items = 0;
            while (items < _options.MaxBatchItems && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                items += pending.Items.Count;
            }

            await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch)
    {
        try
        {
            var results = await WriteAsync(batch);
            CrashPoints.Reach(CrashPoints.JournalAppended);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }

            _signal.Notify();
            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // One bad append must not fail its neighbours: retry each on its own.
            LogBatchFailed(_log, ex, batch.Count);
        }
        catch (Exception ex)
        {
            LogAppendFailed(_log, ex);
            batch[0].Completion.TrySetException(new JournalUnavailableException("The journal could not commit the append.", ex));
            return;
        }

        foreach (var pending in batch)
        {
            try
            {
                var results = await WriteAsync([pending]);
                CrashPoints.Reach(CrashPoints.JournalAppended);
                pending.Completion.TrySetResult(results[0]);
                _signal.Notify();
            }
            catch (Exception ex)
            {
                LogAppendFailed(_log, ex);
                pending.Completion.TrySetException(new JournalUnavailableException("The journal could not commit the append.", ex));
            }
        }
    }

    private async Task<AppendResult[][]> WriteAsync(List<PendingAppend> batch)
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
                var items = batch[b].Items;
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
            Interlocked.Increment(ref _commits);
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

    private sealed class PendingAppend(IReadOnlyList<InboundItem> items)
    {
        public IReadOnlyList<InboundItem> Items { get; } = items;

        public TaskCompletionSource<IReadOnlyList<AppendResult>> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "A group commit of {Count} appends failed; retrying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "An append could not be committed")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal writer drained its queue and stopped")]
    private static partial void LogDrained(ILogger logger);
}
