using Scrm.Testing;

namespace Scrm.Host.Tests;

public sealed class SqliteCrashSoakTests(PostgresServer postgres) : CrashSoakTests(postgres, usePostgres: false);

public sealed class PostgresCrashSoakTests(PostgresServer postgres) : CrashSoakTests(postgres, usePostgres: true);

/// <summary>
/// The short version of <c>crashsoak</c> (tests/Scrm.Benchmarks): one run of hard kills under mixed
/// load, during the load, during the catch-up and during the backlog alone.
/// </summary>
public abstract class CrashSoakTests(PostgresServer postgres, bool usePostgres)
{
    [Fact]
    public async Task Three_hard_kills_under_mixed_load_leave_every_acknowledged_lead_routed_exactly_once()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        var soak = new CrashSoak(storage, new CrashSoak.Options(Clients: 4, LoadBefore: TimeSpan.FromSeconds(2.5), LoadAfter: TimeSpan.FromSeconds(1.5)));

        var result = await soak.RunAsync(TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        (result.AcknowledgedLeads + result.WithIntent).ShouldBeGreaterThan(0);
        result.Clean.ShouldBeTrue(result.ToString());
    }
}
