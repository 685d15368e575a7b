using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Scrm.Platform.Storage;

/// <summary>The configured database: provider, connection string and raw connections for hot paths.</summary>
public sealed class ScrmDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _npgsql;

    private readonly SqlitePragmas? _pragmas;

    public ScrmDatabase(StorageOptions options)
    {
        Provider = options.Provider;
        DataDirectory = Path.GetFullPath(options.DataDirectory);
        if (Provider == StorageProvider.Sqlite)
        {
            Directory.CreateDirectory(DataDirectory);
            ConnectionString = string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(DataDirectory, "scrm.db"),
                    Pooling = true,
                    DefaultTimeout = 30,
                }.ToString()
                : options.ConnectionString;
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

    internal void Configure(DbContextOptionsBuilder builder, string historyTable)
    {
        if (_npgsql is not null)
        {
            builder.UseNpgsql(_npgsql, npgsql => npgsql.MigrationsHistoryTable(historyTable));
        }
        else
        {
            builder.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable(historyTable)).AddInterceptors(_pragmas!);
        }
    }

    public ValueTask DisposeAsync() => _npgsql?.DisposeAsync() ?? ValueTask.CompletedTask;
}
