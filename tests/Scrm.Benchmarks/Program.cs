using Scrm.Benchmarks;

// Benchmarks print their figures; they never run in CI. Usage:
//   dotnet run -c Release --project tests/Scrm.Benchmarks -- <scenario> [options]
var scenarios = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["ingest"] = IngestBenchmark.RunAsync,
    ["workflows"] = WorkflowsBenchmark.RunAsync,
};

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var run))
{
    Console.WriteLine($"Scenarios: {string.Join(", ", scenarios.Keys)}");
    Console.WriteLine("  ingest [--clients 64] [--seconds 10] [--max-requests 1000000] [--only noop|single|batch|duplicates] [--storage sqlite|postgres=<connection string>]");
    Console.WriteLine(WorkflowsBenchmark.Usage);
    return 1;
}

await run(args[1..]);
return 0;
