using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(Scrm.Host.Tests.LongestFirst))]

namespace Scrm.Host.Tests;

/// <summary>
/// Queues the classes that take minutes first and the quick ones after them. The assembly runs two
/// tests at a time, taken in this order; with the default order (random per run) a long class
/// could start last and run alone at the end, so the run's length depended on where it fell.
/// </summary>
internal sealed class LongestFirst : ITestCollectionOrderer
{
    /// <summary>The slow classes, longest first (seconds in one run of the assembly under load).</summary>
    private static readonly string[] Slowest =
    [
        nameof(PostgresCrashRecoveryTests), // 496
        nameof(SqliteCrashRecoveryTests), // 193
        nameof(SqliteCrashSoakTests), // 102
        nameof(PostgresCrashSoakTests), // 99
        nameof(ReplicaFailoverTests), // 63
        nameof(PostgresDurabilityTests), // 59
        nameof(SqliteDurabilityTests), // 41
        nameof(FirstStartTests), // 39
        nameof(DockerLayoutTests), // 32
        nameof(SqliteStorageReportTests), // 24
        nameof(ReadmeTests), // 23
        nameof(StoreLayoutTests), // 12
    ];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        testCollections.OrderBy(c => Rank(c)).ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal).ToArray();

    private static int Rank(ITestCollection collection)
    {
        var name = collection.TestCollectionDisplayName;
        for (var i = 0; i < Slowest.Length; i++)
        {
            if (name.EndsWith("." + Slowest[i], StringComparison.Ordinal) || name.Contains("." + Slowest[i] + " ", StringComparison.Ordinal))
            {
                return i;
            }
        }

        return Slowest.Length;
    }
}
