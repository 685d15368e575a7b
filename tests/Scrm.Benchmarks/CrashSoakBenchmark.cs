using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// Repeated hard kills (SIGKILL of a child host) under mixed load, run after run: every
/// acknowledged lead, and every acknowledged mention with buying intent, must be routed exactly
/// once. Each run varies when the kills come (seeded by the run number); it prints its counts.
/// </summary>
internal static class CrashSoakBenchmark
{
    public const string Usage = "  crashsoak [--runs 20] [--clients 6] [--storage sqlite|postgres]";

    public static async Task RunAsync(string[] args)
    {
        var runs = int.Parse(LoadDriver.Option(args, "--runs", "20"));
        var clients = int.Parse(LoadDriver.Option(args, "--clients", "6"));
        var provider = LoadDriver.Option(args, "--storage", "sqlite");
        await using var postgres = provider == "postgres" ? new PostgresServer() : null;
        if (postgres is not null)
        {
            await postgres.InitializeAsync();
        }

        Console.WriteLine($"Crash soak: {runs} runs of 3 hard kills (during load, during catch-up with load, during the backlog alone), {clients} clients, {provider}, {Environment.ProcessorCount} cores");
        var missed = 0;
        for (var run = 1; run <= runs; run++)
        {
            var random = new Random(run);
            var storage = postgres is null ? StorageUnderTest.Sqlite : StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
            var options = new CrashSoak.Options(clients,
                LoadBefore: TimeSpan.FromMilliseconds(random.Next(1_500, 6_000)),
                LoadAfter: TimeSpan.FromMilliseconds(random.Next(500, 4_000)),
                CatchUpKillAfter: TimeSpan.FromMilliseconds(random.Next(100, 2_000)),
                Seed: run);
            var result = await new CrashSoak(storage, options).RunAsync(CancellationToken.None);
            missed += result.Clean ? 0 : 1;
            Console.WriteLine($"run {run,2}: {(result.Clean ? "ok  " : "MISS")} {result}");
        }

        Console.WriteLine($"{runs} runs: {runs - missed} without a miss, {missed} with one");
        Environment.ExitCode = missed == 0 ? 0 : 1;
    }
}
