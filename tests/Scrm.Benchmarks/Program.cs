using Scrm.Benchmarks;

// Benchmarks print their figures; they never run in CI. Usage:
//   dotnet run -c Release --project tests/Scrm.Benchmarks -- <scenario> [options]
var scenarios = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["ingest"] = IngestBenchmark.RunAsync,
    ["leads"] = LeadsBenchmark.RunAsync,
    ["wechat"] = WeChatCallbackBenchmark.RunAsync,
    ["customers"] = CustomersBenchmark.RunAsync,
    ["search"] = SearchBenchmark.RunAsync,
    ["workflows"] = WorkflowsBenchmark.RunAsync,
    ["classifier-cv"] = ClassifierBenchmark.CrossValidateAsync,
    ["classifier"] = ClassifierBenchmark.ThroughputAsync,
    ["classifier-train"] = ClassifierBenchmark.TrainAsync,
    ["crashsoak"] = CrashSoakBenchmark.RunAsync,
    ["lead-effects"] = LeadEffectsBenchmark.RunAsync,
    ["access"] = AccessBenchmark.RunAsync,
    ["storage"] = StorageBenchmark.RunAsync,
    ["retention"] = RetentionBenchmark.RunAsync,
    ["segments"] = SegmentsBenchmark.RunAsync,
    ["campaign-fanout"] = CampaignFanOutBenchmark.RunAsync,
    ["imports"] = ImportBenchmark.RunAsync,
    ["inbox"] = InboxBenchmark.RunAsync,
    ["inbox-pipeline"] = InboxPipelineBenchmark.RunAsync,
};

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var run))
{
    Console.WriteLine($"Scenarios: {string.Join(", ", scenarios.Keys)}");
    Console.WriteLine("  search [--docs 1000000] [--queries 1000] [--scan-queries 100] [--writers 1] [--batch 5000]");
    Console.WriteLine("  ingest [--clients 64] [--seconds 10] [--max-requests 1000000] [--only noop|single|batch|duplicates] [--consumers on|off] [--sync Full|Normal] [--storage sqlite|postgres=<connection string>]");
    Console.WriteLine("  leads [--warmup 20000] [--leads 5000] [--rate 500] [--seconds 10]");
    Console.WriteLine("  wechat [--clients 64] [--seconds 10] [--max-requests 2000000]");
    Console.WriteLine("  customers [--identities 1000000] [--batch 1000] [--views 2000] [--storage sqlite|postgres=<connection string>]");
    Console.WriteLine(WorkflowsBenchmark.Usage);
    Console.WriteLine(ClassifierBenchmark.Usage);
    Console.WriteLine(CrashSoakBenchmark.Usage);
    Console.WriteLine(LeadEffectsBenchmark.Usage);
    Console.WriteLine("  access [--customers 50000] [--leads 50000] [--samples 2000]");
    Console.WriteLine(StorageBenchmark.Usage);
    Console.WriteLine(RetentionBenchmark.Usage);
    Console.WriteLine(SegmentsBenchmark.Usage);
    Console.WriteLine(CampaignFanOutBenchmark.Usage);
    Console.WriteLine(InboxBenchmark.Usage);
    Console.WriteLine(InboxPipelineBenchmark.Usage);
    return 1;
}

await run(args[1..]);
return 0;
