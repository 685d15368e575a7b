using Scrm.Testing;

namespace Scrm.Workflows.Tests;

/// <summary>A suite that runs once per provider: the same engine code on SQLite and PostgreSQL.</summary>
public abstract class ProviderTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    protected StorageUnderTest Storage { get; private set; } = StorageUnderTest.Sqlite;

    public async ValueTask InitializeAsync()
    {
        if (usePostgres)
        {
            Storage = StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>An engine on this suite's provider.</summary>
    internal Task<Engine> StartEngineAsync(TempDirectory? data = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        Engine.StartAsync(Storage, data, settings: settings);
}
