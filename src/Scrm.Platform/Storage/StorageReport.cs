using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Scrm.Platform.Security;

namespace Scrm.Platform.Storage;

/// <summary>A module's data kept outside the database (a search index folder), measured for the storage report.</summary>
public interface IStorageFootprint
{
    Task<IReadOnlyList<StoragePart>> MeasureAsync(CancellationToken cancellationToken);
}

/// <summary>What a module's retention would delete if it ran now, for the storage report.</summary>
public interface IRetentionReport
{
    Task<IReadOnlyList<RetentionDue>> DueAsync(CancellationToken cancellationToken);
}

/// <summary>One measured part: a store, a table or a folder.</summary>
/// <param name="Bytes">Bytes on disk (for a SQLite file with its write-ahead log).</param>
/// <param name="LiveBytes">Bytes holding data; the rest is free pages a later write reuses.</param>
public sealed record StoragePart(string Name, long Bytes, long? LiveBytes = null, IReadOnlyList<StoragePart>? Tables = null);

/// <summary>Rows a retention policy would delete now and about how many bytes they hold.</summary>
public sealed record RetentionDue(string Module, string What, TimeSpan KeptFor, long Rows, long Bytes);

/// <summary>What <c>GET /api/v1/admin/storage</c> answers.</summary>
public sealed record StorageReport(string Provider, long TotalBytes, IReadOnlyList<StoragePart> Stores, IReadOnlyList<StoragePart> Other, IReadOnlyList<RetentionDue> Retention);

/// <summary>Measures each store (on SQLite each module's file, on PostgreSQL the largest tables), the modules' other data and what retention will free.</summary>
public sealed class StorageReporter(ScrmDatabase database, IEnumerable<IStorageFootprint> footprints, IEnumerable<IRetentionReport> retention)
{
    public async Task<StorageReport> ReportAsync(CancellationToken cancellationToken)
    {
        var stores = new List<StoragePart>();
        if (database.IsPostgres)
        {
            stores.Add(await PostgresAsync(cancellationToken));
        }
        else
        {
            foreach (var (name, store) in database.Stores)
            {
                stores.Add(await SqliteAsync(name, store, cancellationToken));
            }
        }

        var other = new List<StoragePart>();
        foreach (var footprint in footprints)
        {
            other.AddRange(await footprint.MeasureAsync(cancellationToken));
        }

        var due = new List<RetentionDue>();
        foreach (var report in retention)
        {
            due.AddRange(await report.DueAsync(cancellationToken));
        }

        return new StorageReport(database.Provider.ToString(), stores.Sum(s => s.Bytes) + other.Sum(o => o.Bytes), stores, other, due);
    }

    private static async Task<StoragePart> SqliteAsync(string name, ScrmDatabase store, CancellationToken cancellationToken)
    {
        var file = new SqliteConnectionStringBuilder(store.ConnectionString).DataSource;
        var bytes = FileBytes(file) + FileBytes(file + "-wal");
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        var pages = await ScalarAsync(connection, "PRAGMA page_count", cancellationToken);
        var free = await ScalarAsync(connection, "PRAGMA freelist_count", cancellationToken);
        var size = await ScalarAsync(connection, "PRAGMA page_size", cancellationToken);
        return new StoragePart(name, bytes, (pages - free) * size);
    }

    private async Task<StoragePart> PostgresAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await ScalarAsync(connection, "SELECT pg_database_size(current_database())", cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
            WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
            ORDER BY 2 DESC LIMIT 30
            """;
        var tables = new List<StoragePart>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(new StoragePart(reader.GetString(0), reader.GetInt64(1)));
            }
        }

        return new StoragePart("database", total, tables.Sum(t => t.Bytes), tables);
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static long FileBytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>Bytes of every file under a folder (0 when it does not exist).</summary>
    public static long FolderBytes(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}

public static class StorageReportApi
{
    /// <summary><c>GET /api/v1/admin/storage</c>: bytes per store and module, and what retention will free.</summary>
    public static IEndpointRouteBuilder MapStorageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/storage", ReportAsync).WithTags("Admin").RequireAuthorization(ScrmPolicies.Admin)
            .WithSummary("Bytes per store (SQLite file or PostgreSQL table), the search index, and what retention would delete now.");
        return app;
    }

    private static async Task<Ok<StorageReport>> ReportAsync(StorageReporter reporter, CancellationToken ct) =>
        TypedResults.Ok(await reporter.ReportAsync(ct));
}
