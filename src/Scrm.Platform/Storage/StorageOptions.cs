using System.ComponentModel.DataAnnotations;

namespace Scrm.Platform.Storage;

/// <summary>Which database holds the system of record, and where the embedded data lives.</summary>
public sealed class StorageOptions
{
    public const string Section = "Scrm:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite it defaults to <c>{DataDirectory}/scrm.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite's <c>synchronous</c> for module data (WAL mode). <c>Normal</c> survives a killed
    /// process (the bar the product sets) and syncs at checkpoints; <c>Full</c> also survives power
    /// loss at the cost of a sync per commit. The journal always commits with <c>Full</c>.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>Folder for the SQLite file, the embedded index and generated secrets.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";
}

public enum SqliteSynchronous
{
    Normal,
    Full,
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
