using System.ComponentModel.DataAnnotations;

namespace Scrm.Platform.Storage;

/// <summary>Which database holds the system of record, and where the embedded data lives.</summary>
public sealed class StorageOptions
{
    public const string Section = "Scrm:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite it defaults to <c>{DataDirectory}/scrm.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite file, the embedded index and generated secrets.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
