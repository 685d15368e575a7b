using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Scrm.Platform.Storage;

/// <summary>
/// The configured database: provider, connection string and raw connections for hot paths. On
/// SQLite a module may keep its tables in a store of its own (<see cref="Store"/>): SQLite has one
/// writer per file, so the journal's acknowledgements never wait behind a module's commit and
/// modules never wait behind each other. On PostgreSQL every store is the one database.
/// </summary>
public sealed class ScrmDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _npgsql;
    private readonly SqlitePragmas? _pragmas;
    private readonly StorageOptions _options;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ScrmDatabase> _stores = new(StringComparer.Ordinal);

    public ScrmDatabase(StorageOptions options)
        : this(options, null)
    {
    }

    private ScrmDatabase(StorageOptions options, string? store)
    {
        _options = options;
        Provider = options.Provider;
        DataDirectory = Path.GetFullPath(options.DataDirectory);
        if (Provider == StorageProvider.Sqlite)
        {
            Directory.CreateDirectory(DataDirectory);
            var builder = string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(DataDirectory, "scrm.db"),
                    Pooling = true,
                    DefaultTimeout = 30,
                }
                : new SqliteConnectionStringBuilder(options.ConnectionString);
            if (store is not null)
            {
                builder.DataSource = StoreFile(builder.DataSource, store);
            }

            ConnectionString = builder.ToString();
            _pragmas = new SqlitePragmas(options.SqliteSynchronous);
        }
        else
        {
            ConnectionString = string.IsNullOrWhiteSpace(options.ConnectionString)
                ? throw new InvalidOperationException("Scrm:Storage:ConnectionString is required when Scrm:Storage:Provider is Postgres.")
                : options.ConnectionString;
            _npgsql = NpgsqlDataSource.Create(ConnectionString);
        }
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    public string DataDirectory { get; }

    public bool IsPostgres => Provider == StorageProvider.Postgres;

    /// <summary>
    /// The named store: on SQLite its own file beside the main one (<c>{name}.db</c>); on PostgreSQL
    /// this database. A data directory made before the module had a file of its own keeps the
    /// module's tables where they are: when <c>{name}.db</c> does not exist and the main file holds
    /// the module's migration history (<see cref="HistoryTable"/>), the store is the main file.
    /// </summary>
    public ScrmDatabase Store(string name) =>
        IsPostgres ? this : _stores.GetOrAdd(name, n => HoldsTablesOf(n) ? this : new ScrmDatabase(_options, n));

    /// <summary>The stores in use, by name, the main one as "main" (on PostgreSQL only that).</summary>
    internal IEnumerable<(string Name, ScrmDatabase Database)> Stores =>
        _stores.Where(s => s.Value != this).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value)).Prepend(("main", this));

    /// <summary>The table where a module's migrations are recorded.</summary>
    public static string HistoryTable(string module) => $"__{module}_migrations";

    private bool HoldsTablesOf(string store)
    {
        var main = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        if (!File.Exists(main) || File.Exists(StoreFile(main, store)))
        {
            return false;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", HistoryTable(store));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>A store's file: <c>{store}.db</c> beside the main one.</summary>
    private string StoreFile(string main, string store) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(main)) ?? DataDirectory, store + ".db");

    /// <summary>An unopened connection for code that bypasses EF Core on a measured hot path.</summary>
    public DbConnection CreateConnection() =>
        _npgsql is not null ? _npgsql.CreateConnection() : new SqliteConnection(ConnectionString);

    /// <summary>An open connection; on SQLite with the product's pragmas (busy wait, synchronous).</summary>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            _pragmas?.Apply(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// WAL is a property of a SQLite file: set once, every later connection inherits it. A new file
    /// also gets incremental auto-vacuum (it can only be chosen before the first table), so pages that
    /// retention frees can go back to the file system (<see cref="ReleaseFreePagesAsync"/>).
    /// </summary>
    internal async Task UseWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// On SQLite, after retention deleted rows: gives free pages back to the file system, at most
    /// <paramref name="maxPages"/> per call, keeping a twentieth of the file free for the next inserts
    /// to reuse (<see cref="FreePages.ToRelease"/>). A file made before incremental auto-vacuum keeps
    /// its free pages for reuse (the file does not grow until they are used up). Returns the pages released.
    /// </summary>
    public async Task<long> ReleaseFreePagesAsync(int maxPages, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            return 0;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        async Task<long> PragmaAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (await PragmaAsync("PRAGMA auto_vacuum") != 2)
        {
            return 0;
        }

        var release = FreePages.ToRelease(await PragmaAsync("PRAGMA page_count"), await PragmaAsync("PRAGMA freelist_count"), maxPages);
        if (release > 0)
        {
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = $"PRAGMA incremental_vacuum({release.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        return release;
    }

    internal void Configure(DbContextOptionsBuilder builder, string historyTable)
    {
        // A list in a query (ids.Contains(x.Id)) travels as one parameter: an array on PostgreSQL
        // (= ANY), JSON read with json_each on SQLite. SQLite binds parameters by name with a linear
        // search, so a thousand separate ones would cost a million comparisons per execution.
        if (_npgsql is not null)
        {
            builder.UseNpgsql(_npgsql, npgsql => npgsql.MigrationsHistoryTable(historyTable)
                .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
        }
        else
        {
            builder.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable(historyTable)
                    .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .AddInterceptors(_pragmas!);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores.Values.Where(s => s != this))
        {
            await store.DisposeAsync();
        }

        if (_npgsql is not null)
        {
            await _npgsql.DisposeAsync();
        }
    }
}

/// <summary>How many free pages of a SQLite file to give back: above a twentieth of the file, at least 256 (1 MB) at a time, at most the cap.</summary>
internal static class FreePages
{
    public static long ToRelease(long pages, long free, long maxPages)
    {
        var surplus = free - pages / 20;
        return surplus < 256 ? 0 : Math.Min(surplus, maxPages);
    }
}
