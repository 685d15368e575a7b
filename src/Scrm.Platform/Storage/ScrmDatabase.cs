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

    /// <summary>WAL is a property of a SQLite file: set once, every later connection inherits it.</summary>
    internal async Task UseWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
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
