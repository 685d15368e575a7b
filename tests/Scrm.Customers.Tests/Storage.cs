using Scrm.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Scrm.Customers.Tests;

/// <summary>Suites that touch storage run once per provider: the same code path on SQLite and PostgreSQL.</summary>
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

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
