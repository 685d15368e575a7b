using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scrm.Platform.Storage;

namespace Scrm.Platform.Audit;

/// <summary>
/// Audit entries that commit with the change they describe. A module writes the entry into its own
/// store's <c>audit_outbox</c> inside the change's transaction (<see cref="AddAsync"/>), so the
/// change and its entry are stored together or not at all, whatever fails in between. The entries
/// then move to the audit log: right after the commit (<see cref="DeliverAsync"/>), before every
/// read of the log, and every second in the background until the log takes them. Each entry carries
/// its origin (store, outbox id, time) into the log, where the origin is unique, so a move
/// interrupted after the log's commit and retried never writes an entry twice.
/// </summary>
public sealed partial class AuditOutbox : IDisposable
{
    internal const string Table = "audit_outbox";
    private const int Batch = 500;

    private readonly IServiceProvider _services;
    private readonly IDbContextFactory<AuditDbContext> _log;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditOutbox> _logger;
    private readonly SemaphoreSlim _moving = new(1, 1);
    private IReadOnlyList<(string Origin, Func<DbContext> Create)>? _sources;

    internal AuditOutbox(IServiceProvider services, IDbContextFactory<AuditDbContext> log, TimeProvider time, ILogger<AuditOutbox> logger)
    {
        _services = services;
        _log = log;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Writes the entries into the transaction <paramref name="database"/> is in; they are stored
    /// when that transaction commits and dropped with it when it rolls back. Outside a transaction
    /// this throws: an audited change and its entry commit together.
    /// </summary>
    public async Task AddAsync(DatabaseFacade database, IReadOnlyCollection<AuditEvent> entries, CancellationToken cancellationToken)
    {
        if (database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("An audit entry is written inside its change's transaction (BeginTransactionAsync first).");
        }

        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var e in entries)
        {
            var (actor, action, resource) = (Clip(e.Actor, 128), Clip(e.Action, 64), Clip(e.Resource, 64));
            var (resourceId, detail) = (e.ResourceId is null ? null : Clip(e.ResourceId, 128), e.Detail is null ? null : Clip(e.Detail, 4000));
            await database.ExecuteSqlAsync(
                $"INSERT INTO audit_outbox (at, actor, action, resource, resource_id, detail) VALUES ({at}, {actor}, {action}, {resource}, {resourceId}, {detail})",
                cancellationToken);
        }
    }

    /// <inheritdoc cref="AddAsync(DatabaseFacade, IReadOnlyCollection{AuditEvent}, CancellationToken)"/>
    public Task AddAsync(DatabaseFacade database, AuditEvent entry, CancellationToken cancellationToken) =>
        AddAsync(database, [entry], cancellationToken);

    /// <summary>
    /// After a commit: moves the waiting entries to the audit log now, so a reader of the log sees
    /// them at once. A failure here loses nothing (the entries wait in their store and the
    /// background relay retries); it is logged and not thrown.
    /// </summary>
    public async Task DeliverAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MoveAllAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDeferred(_logger, ex);
        }
    }

    /// <summary>Moves every waiting entry of every store to the audit log; throws when the log refuses them.</summary>
    internal async Task<int> MoveAllAsync(CancellationToken cancellationToken)
    {
        await _moving.WaitAsync(cancellationToken);
        try
        {
            var moved = 0;
            Exception? failed = null;
            foreach (var (origin, create) in Sources())
            {
                try
                {
                    int count;
                    do
                    {
                        count = await MoveAsync(origin, create, cancellationToken);
                        moved += count;
                    }
                    while (count == Batch);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One store that cannot be read (not migrated yet, unreachable) does not hold back the others.
                    failed ??= ex;
                }
            }

            return failed is null ? moved : throw new InvalidOperationException("Some audit entries could not be moved to the audit log yet.", failed);
        }
        finally
        {
            _moving.Release();
        }
    }

    /// <summary>The stores that hold an outbox, once each (on PostgreSQL every module shares the one database and its one outbox).</summary>
    private IReadOnlyList<(string Origin, Func<DbContext> Create)> Sources()
    {
        if (_sources is { } known)
        {
            return known;
        }

        var sources = new List<(string, Func<DbContext>)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in _services.GetServices<AuditOutboxSource>())
        {
            var create = () => source.Create(_services);
            using var db = create();
            var connection = db.Database.GetConnectionString() ?? "";
            if (seen.Add(connection))
            {
                sources.Add((db.Database.IsSqlite() ? Path.GetFileNameWithoutExtension(new SqliteConnectionStringBuilder(connection).DataSource) : "postgres", create));
            }
        }

        return _sources = sources;
    }

    private async Task<int> MoveAsync(string origin, Func<DbContext> create, CancellationToken cancellationToken)
    {
        await using var source = create();
        var connection = source.Database.GetDbConnection();
        await source.Database.OpenConnectionAsync(cancellationToken);
        var waiting = new List<(long Id, long At, string Actor, string Action, string Resource, string? ResourceId, string? Detail)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT id, at, actor, action, resource, resource_id, detail FROM {Table} ORDER BY id LIMIT {Batch}";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                waiting.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        if (waiting.Count == 0)
        {
            return 0;
        }

        await using (var log = await _log.CreateDbContextAsync(cancellationToken))
        {
            await log.Database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await log.Database.BeginTransactionAsync(cancellationToken);
            var target = log.Database.GetDbConnection();
            foreach (var e in waiting)
            {
                await using var insert = target.CreateCommand();
                insert.Transaction = transaction.GetDbTransaction();
                insert.CommandText = "INSERT INTO audit_log (at, actor, action, resource, resource_id, detail, origin) " +
                    "VALUES (@at, @actor, @action, @resource, @resource_id, @detail, @origin) ON CONFLICT (origin) DO NOTHING";
                Add(insert, "at", e.At);
                Add(insert, "actor", e.Actor);
                Add(insert, "action", e.Action);
                Add(insert, "resource", e.Resource);
                Add(insert, "resource_id", e.ResourceId);
                Add(insert, "detail", e.Detail);
                Add(insert, "origin", string.Create(CultureInfo.InvariantCulture, $"{origin}:{e.Id}:{e.At}"));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // Only the rows moved: a row with a lower id that committed meanwhile waits for the next move.
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = $"DELETE FROM {Table} WHERE id IN ({string.Join(',', waiting.Select(e => e.Id.ToString(CultureInfo.InvariantCulture)))})";
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        return waiting.Count;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            parameter.DbType = System.Data.DbType.String;
        }

        command.Parameters.Add(parameter);
    }

    public void Dispose() => _moving.Dispose();

    internal static string Clip(string value, int max) => value.Length <= max ? value : value[..max];

    /// <summary>The outbox table, created in the module's store beside the module's own tables.</summary>
    internal static string CreateTable(bool postgres) => postgres
        ? $"CREATE TABLE IF NOT EXISTS {Table} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, at bigint NOT NULL, actor varchar(128) NOT NULL, " +
          "action varchar(64) NOT NULL, resource varchar(64) NOT NULL, resource_id varchar(128) NULL, detail varchar(4000) NULL)"
        : $"CREATE TABLE IF NOT EXISTS {Table} (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, " +
          "action TEXT NOT NULL, resource TEXT NOT NULL, resource_id TEXT NULL, detail TEXT NULL)";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit entries stay in their store until the audit log takes them")]
    private static partial void LogDeferred(ILogger logger, Exception exception);
}

/// <summary>A module store with an audit outbox: how to open a context on it.</summary>
internal sealed record AuditOutboxSource(Func<IServiceProvider, DbContext> Create);

/// <summary>Moves waiting audit entries to the log every second: after a crash, or while the log refused them.</summary>
internal sealed partial class AuditOutboxRelay(AuditOutbox outbox, TimeProvider time, ILogger<AuditOutboxRelay> log) : BackgroundService
{
    internal static TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var failing = false;
        do
        {
            try
            {
                await outbox.MoveAllAsync(stoppingToken);
                failing = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (!failing)
                {
                    LogFailed(log, ex);
                }

                failing = true;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving audit entries to the audit log failed; retrying every second")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
