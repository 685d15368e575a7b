using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion;
using Scrm.Platform.Scheduling;
using Scrm.Platform.Storage;
using Scrm.Testing;
using Scrm.Workflows;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Expressions;
using Scrm.Workflows.Runtime;
using Scrm.Workflows.Storage;

namespace Scrm.Benchmarks;

/// <summary>
/// Workflow instances started, run and persisted per second, in process (no HTTP): a 6-activity
/// definition run start to finish, and one that suspends on an event and is resumed (with the
/// resume latency). Baselines in the same run: the engine alone (execution and serialisation,
/// no storage), the same definition on a SQLite file in RAM (tmpfs: storage without the disk),
/// and serial one-row commits on the benchmark's own database file (what one fsync costs).
/// </summary>
internal static class WorkflowsBenchmark
{
    public const string Usage =
        "  workflows [--clients 64] [--seconds 10] [--max-instances 2000000] [--only engine|commit|ram|flow|resume] [--storage sqlite|postgres|postgres=<connection string>]";

    /// <summary>trigger → set variable → if → expression → write to variable → end.</summary>
    private const string Flow =
        """
        {
          "id": "bench-flow", "name": "Benchmark: six activities",
          "triggers": [{ "id": "start", "type": "start" }],
          "variables": [{ "name": "score", "value": 0 }, { "name": "result" }],
          "activities": [
            { "id": "set", "type": "setVariable", "inputs": { "name": "score", "value": { "js": "input.amount * 2" } } },
            { "id": "check", "type": "if", "inputs": { "condition": { "js": "vars.score > 10" } } },
            { "id": "calc", "type": "script", "inputs": { "value": { "js": "vars.score > 100 ? 'gold' : 'silver'" } } },
            { "id": "write", "type": "setVariable", "inputs": { "name": "result", "value": { "js": "outputs.calc.result" } } },
            { "id": "end", "type": "end" }
          ],
          "connections": [
            { "source": "start", "target": "set" },
            { "source": "set", "target": "check" },
            { "source": "check", "outcome": "true", "target": "calc" },
            { "source": "check", "outcome": "false", "target": "calc" },
            { "source": "calc", "target": "write" },
            { "source": "write", "target": "end" }
          ]
        }
        """;

    /// <summary>trigger → set variable → wait for an event (correlated by order) → write to variable → end.</summary>
    private const string Wait =
        """
        {
          "id": "bench-wait", "name": "Benchmark: wait for an event",
          "triggers": [{ "id": "start", "type": "start", "inputs": { "correlationId": { "js": "input.order" } } }],
          "variables": [{ "name": "order" }, { "name": "paid" }],
          "activities": [
            { "id": "set", "type": "setVariable", "inputs": { "name": "order", "value": { "js": "input.order" } } },
            { "id": "wait", "type": "waitForEvent", "inputs": { "event": "paid" } },
            { "id": "write", "type": "setVariable", "inputs": { "name": "paid", "value": { "js": "outputs.wait.payload.amount" } } },
            { "id": "end", "type": "end" }
          ],
          "connections": [
            { "source": "start", "target": "set" },
            { "source": "set", "target": "wait" },
            { "source": "wait", "outcome": "received", "target": "write" },
            { "source": "write", "target": "end" }
          ]
        }
        """;

    public static async Task RunAsync(string[] args)
    {
        var clients = int.Parse(LoadDriver.Option(args, "--clients", "64"));
        var seconds = double.Parse(LoadDriver.Option(args, "--seconds", "10"));
        var maxInstances = long.Parse(LoadDriver.Option(args, "--max-instances", "2000000"));
        var storageArg = LoadDriver.Option(args, "--storage", "sqlite");
        await using var throwaway = storageArg == "postgres" ? new PostgresServer() : null;
        StorageUnderTest storage;
        if (throwaway is not null)
        {
            // A local server started for the run (initdb + pg_ctl): fsync and synchronous commit are off, so it measures the engine's path, not the disk.
            await throwaway.InitializeAsync();
            storage = StorageUnderTest.Postgres(await throwaway.CreateDatabaseAsync());
        }
        else
        {
            storage = storageArg.StartsWith("postgres=", StringComparison.Ordinal)
                ? StorageUnderTest.Postgres(storageArg["postgres=".Length..])
                : StorageUnderTest.Sqlite;
        }

        var duration = TimeSpan.FromSeconds(seconds);
        var only = LoadDriver.Option(args, "--only", "");
        bool Runs(string scenario) => only.Length == 0 || only == scenario;
        var skipped = new LoadDriver.Result("skipped", 0, 0, 0, TimeSpan.FromSeconds(1), []);

        Console.WriteLine($"Workflows benchmark: {clients} concurrent starts, {seconds} s per scenario, storage {storage}, {Environment.ProcessorCount} cores, pid {Environment.ProcessId}");

        await using var host = await StartAsync(storage, new TempDirectory("scrm-bench-workflows"));
        var flow = await PublishAsync(host, Flow);
        await PublishAsync(host, Wait);
        var runtime = host.Get<WorkflowRuntime>();
        await WarmUpAsync(runtime);

        var engine = !Runs("engine") ? skipped : await MeasuredAsync(() => LoadDriver.RunAsync("engine alone (no storage)", clients, duration, maxInstances,
            (_, n) => Task.FromResult((1, EngineOnly(host, flow, n)))));

        var commits = !Runs("commit") || storage.ConnectionString is not null ? 0 : await OneRowCommitsPerSecondAsync(host.Get<ScrmDatabase>(), TimeSpan.FromSeconds(Math.Min(seconds, 3)));
        if (commits > 0)
        {
            Console.WriteLine($"{"one-row commits, serial (fsync cost)",-34} {commits,10:N0} commits/s");
        }

        var ram = skipped;
        if (Runs("ram") && storage.ConnectionString is null && Directory.Exists("/dev/shm"))
        {
            await using var ramHost = await StartAsync(storage, new TempDirectory(new DirectoryInfo($"/dev/shm/scrm-bench-{Guid.NewGuid():N}")));
            await PublishAsync(ramHost, Flow);
            var ramRuntime = ramHost.Get<WorkflowRuntime>();
            await WarmUpAsync(ramRuntime);
            ram = await MeasuredAsync(() => LoadDriver.RunAsync("6 activities, SQLite in RAM", clients, duration, maxInstances, (_, n) => RunFlowAsync(ramRuntime, n)));
        }

        var writer = host.Get<CommitWriter>();
        var transactionsBefore = writer.Transactions;
        var persisted = !Runs("flow") ? skipped : await MeasuredAsync(() => LoadDriver.RunAsync($"6 activities, {Describe(storage)}", clients, duration, maxInstances,
            (_, n) => RunFlowAsync(runtime, n)));
        var flowTransactions = writer.Transactions - transactionsBefore;

        var resumeLatencies = new ConcurrentBag<double>();
        var resumed = !Runs("resume") ? skipped : await MeasuredAsync(() => LoadDriver.RunAsync($"start, suspend, resume, {Describe(storage)}", clients, duration, maxInstances / 2,
            async (c, n) =>
            {
                var order = $"o-{c}-{n}";
                var start = await runtime.RunAsync("bench-wait", new JsonObject { ["order"] = order }, null, CancellationToken.None);
                if (start.Status != WorkflowStatus.Suspended)
                {
                    return (1, false);
                }

                var started = Stopwatch.GetTimestamp();
                var result = await runtime.DispatchAsync([new Stimulus("event:paid", [order], new JsonObject { ["amount"] = n }, CorrelationId: order)],
                    keepUnmatched: false, CancellationToken.None);
                resumeLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return (1, result.Resumed == 1);
            }));

        Console.WriteLine();
        Console.WriteLine($"instances/s completed, 6 activities, persisted: {persisted.ItemsPerSecond:N0} " +
                          $"(engine alone {engine.ItemsPerSecond:N0}, SQLite in RAM {ram.ItemsPerSecond:N0})");
        Console.WriteLine($"p50 / p99 start-to-finish: {persisted.Percentile(50):N2} / {persisted.Percentile(99):N2} ms with {clients} concurrent starts");
        if (persisted.Items > 0)
        {
            Console.WriteLine($"group commit: {flowTransactions:N0} transactions for {persisted.Requests:N0} instances ({persisted.Requests / (double)Math.Max(1, flowTransactions):N1} per commit)");
        }

        var sorted = resumeLatencies.Order().ToArray();
        Console.WriteLine($"instances/s completed with a suspend and a resume: {resumed.ItemsPerSecond:N0}; " +
                          $"resume latency p50 {Percentile(sorted, 50):N2} ms, p99 {Percentile(sorted, 99):N2} ms, p99.9 {Percentile(sorted, 99.9):N2} ms");
        Console.WriteLine($"process RSS: {LoadDriver.RssMegabytes():N0} MB");
    }

    /// <summary>Runs a scenario and prints its figures with what it allocated per instance and the collections it caused.</summary>
    private static async Task<LoadDriver.Result> MeasuredAsync(Func<Task<LoadDriver.Result>> scenario)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = await scenario();
        var instances = (double)Math.Max(1, result.Requests);
        var cpuPerItem = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / instances;
        var perItem = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / instances / 1024;
        Console.WriteLine(result);
        // CPU time per instance is the steadier figure on a machine shared with other work.
        // The process-wide allocation counter can go back when thread-pool threads retire; such a run shows n/a.
        var allocation = perItem < 0 ? "  n/a" : $"{perItem,5:N1}";
        Console.WriteLine($"{"",-34} CPU {cpuPerItem,6:N0} µs and {allocation} KB allocated per instance; collections gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}");
        return result;
    }

    private static Task<ModuleHost> StartAsync(StorageUnderTest storage, TempDirectory data) =>
        ModuleHost.StartAsync(storage, (s, c) => s.AddScrmScheduling(c).AddScrmIngestion(c).AddScrmWorkflows(c),
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                // The product's default (test hosts poll faster); the journal consumer's lease renewals are writes that compete for the database.
                ["Scrm:Journal:ConsumerPollInterval"] = "00:00:01",
            }, data: data);

    private static async Task<WorkflowDefinition> PublishAsync(ModuleHost host, string json)
    {
        var store = host.Get<DefinitionStore>();
        var definition = DefinitionJson.Parse(json, 1 << 20).Definition!;
        var saved = await store.CreateAsync(definition, CancellationToken.None);
        if (saved.Outcome != SaveOutcome.Saved)
        {
            throw new InvalidOperationException(string.Join("; ", saved.Errors.Select(e => e.Message)));
        }

        return (await store.PublishAsync(definition.Id, CancellationToken.None)).Definition!;
    }

    private static async Task WarmUpAsync(WorkflowRuntime runtime)
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(n => RunFlowAsync(runtime, i * 100 + n)));
        }
    }

    private static async Task<(int, bool)> RunFlowAsync(WorkflowRuntime runtime, long n)
    {
        var result = await runtime.RunAsync("bench-flow", new JsonObject { ["amount"] = n % 100 }, null, CancellationToken.None);
        return (1, result.Status == WorkflowStatus.Finished);
    }

    /// <summary>What a persisted start does short of storage: run the burst, serialise the state and log.</summary>
    private static bool EngineOnly(ModuleHost host, WorkflowDefinition definition, long n)
    {
        var workflow = host.Get<WorkflowCompiler>().GetOrCompile(definition);
        var services = new BurstServices(host.Services, TimeProvider.System, host.Get<ScriptEngine>(), host.Get<InstanceStore>(), 1000);
        var state = WorkflowExecutor.NewInstance(workflow, InstanceIds.New(), new JsonObject { ["amount"] = n % 100 }, null, null, 0);
        WorkflowExecutor.Schedule(state, workflow, null);
        using var burst = new Burst(workflow, state, services, dryRun: false, CancellationToken.None);
        var run = WorkflowExecutor.RunAsync(burst);
        if (!run.IsCompletedSuccessfully)
        {
            run.AsTask().GetAwaiter().GetResult();
        }

        _ = JsonSerializer.Serialize(burst.Log, RuntimeJson.Default.ListActivityLogRecord);
        _ = JsonSerializer.Serialize(state, RuntimeJson.Default.InstanceState);
        return state.Status == WorkflowStatus.Finished;
    }

    private static async Task<double> OneRowCommitsPerSecondAsync(ScrmDatabase database, TimeSpan duration)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS bench_commits (n INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync();
        }

        var stopwatch = Stopwatch.StartNew();
        var count = 0;
        while (stopwatch.Elapsed < duration)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO bench_commits (n) VALUES (1)";
            await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            count++;
        }

        return count / stopwatch.Elapsed.TotalSeconds;
    }

    private static string Describe(StorageUnderTest storage) => storage.ConnectionString is null ? "SQLite file" : "PostgreSQL";

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
