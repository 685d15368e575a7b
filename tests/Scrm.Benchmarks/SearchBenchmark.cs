using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;
using Scrm.Platform.Contacts;
using Scrm.Search;
using Scrm.Search.Lucene;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// The embedded index at scale: indexes generated Chinese/English mentions (Bogus plus sentences of
/// the real Chinese sample), then runs mixed full-text queries with facets, and a brute-force scan
/// of the same documents for the same queries as the baseline, in the same run.
/// </summary>
internal static class SearchBenchmark
{
    private static readonly string[] Channels = ["wechat", "wecom", "weibo", "web", "webhook"];
    private static readonly string[] Types = [DocumentTypes.Mention, DocumentTypes.Mention, DocumentTypes.Mention, DocumentTypes.Message, DocumentTypes.Lead];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));

    public static async Task RunAsync(string[] args)
    {
        var count = int.Parse(LoadDriver.Option(args, "--docs", "1000000"));
        var queries = int.Parse(LoadDriver.Option(args, "--queries", "1000"));
        var scanQueries = int.Parse(LoadDriver.Option(args, "--scan-queries", "100"));
        var writers = int.Parse(LoadDriver.Option(args, "--writers", "1"));
        var batch = int.Parse(LoadDriver.Option(args, "--batch", "5000"));
        var ct = CancellationToken.None;
        Console.WriteLine($"Search benchmark: {count:N0} documents, {queries:N0} queries (+{scanQueries} brute-force), {writers} writer thread(s), {Environment.ProcessorCount} cores");

        var sentences = File.ReadLines(Repo.Fixture("chinese", "crm_articles.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .ToArray();
        var clock = Stopwatch.StartNew();
        var documents = Generate(count, sentences);
        Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:N1} s; average text {documents.Average(d => d.Text.Length):N0} chars");

        using var folder = new TempDirectory("scrm-search-bench");
        using var index = new LuceneSearchIndex(folder.Path, new LuceneOptions { RamBufferMb = 256 }, TimeSpan.FromHours(8), NullLogger<LuceneSearchIndex>.Instance);

        clock.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var next = -1;
        var chunks = (count + batch - 1) / batch;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var c = Interlocked.Increment(ref next); c < chunks; c = Interlocked.Increment(ref next))
            {
                var slice = documents.GetRange(c * batch, Math.Min(batch, count - c * batch));
                await index.WriteJournalAsync(slice, c * (long)batch + 1, c * (long)batch + slice.Count, ct);
            }
        })));
        index.Commit();
        await index.RefreshAsync(ct);
        var indexing = clock.Elapsed;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"indexed      {count / indexing.TotalSeconds,10:N0} docs/s   ({indexing.TotalSeconds:N1} s incl. commit; {index.DocumentCount:N0} docs; target >= 20,000/s)");
        Console.WriteLine($"             {count / cpuSeconds,10:N0} docs per CPU-second ({cpuSeconds:N1} CPU-s; load average {Load()})");
        Console.WriteLine($"index size   {index.SizeOnDisk() / 1024.0 / 1024.0,10:N1} MB");
        Memory("after indexing");

        var mix = Queries(queries, sentences, new Random(7));
        foreach (var q in mix.Take(100))
        {
            await index.SearchAsync(q, ct);
        }

        var latencies = new double[mix.Count];
        long hits = 0;
        for (var i = 0; i < mix.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await index.SearchAsync(mix[i], ct);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            hits += result.Total;
        }

        Array.Sort(latencies);
        Console.WriteLine($"lucene       p50 {Percentile(latencies, 50),8:N2} ms   p95 {Percentile(latencies, 95),8:N2} ms   p99 {Percentile(latencies, 99),8:N2} ms   mean {latencies.Average(),8:N2} ms   (mean total {hits / (double)mix.Count:N0} hits; target p95 < 50 ms; load average {Load()})");
        Memory("after queries");

        // The same queries without facets: what counting the whole hit set by channel, type and day costs.
        var bare = new double[mix.Count];
        for (var i = 0; i < mix.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await index.SearchAsync(mix[i] with { Facets = false }, ct);
            bare[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(bare);
        Console.WriteLine($"no facets    p50 {Percentile(bare, 50),8:N2} ms   p95 {Percentile(bare, 95),8:N2} ms   p99 {Percentile(bare, 99),8:N2} ms   mean {bare.Average(),8:N2} ms");

        // The same queries as a sales rep sees them: their data scope inside the query (own and unowned
        // leads, mentions and messages; a quarter of the documents are owned, by 50 reps).
        var rep = new SearchScope(new HashSet<string>(StringComparer.Ordinal) { "rep-7" }, new HashSet<string>(StringComparer.Ordinal) { "rep-7" });
        foreach (var q in mix.Take(100))
        {
            await index.SearchAsync(q with { Filter = q.Filter with { Scope = rep } }, ct);
        }

        var scoped = new double[mix.Count];
        long scopedHits = 0;
        for (var i = 0; i < mix.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await index.SearchAsync(mix[i] with { Filter = mix[i].Filter with { Scope = rep } }, ct);
            scoped[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            scopedHits += result.Total;
        }

        Array.Sort(scoped);
        Console.WriteLine($"scoped (rep) p50 {Percentile(scoped, 50),8:N2} ms   p95 {Percentile(scoped, 95),8:N2} ms   p99 {Percentile(scoped, 99),8:N2} ms   mean {scoped.Average(),8:N2} ms   (mean total {scopedHits / (double)mix.Count:N0} hits)");
        Console.WriteLine($"scope cost   p50 {Percentile(scoped, 50) / Percentile(latencies, 50),8:N2}x   p95 {Percentile(scoped, 95) / Percentile(latencies, 95),8:N2}x   (scoped / unscoped, same queries with facets)");

        var normalised = documents.Select(d => Width.Fold(d.Text).ToLowerInvariant()).ToArray();
        var scan = new double[Math.Min(scanQueries, mix.Count)];
        for (var i = 0; i < scan.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            BruteForce(mix[i], documents, normalised);
            scan[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(scan);
        Console.WriteLine($"brute force  p50 {Percentile(scan, 50),8:N2} ms   p95 {Percentile(scan, 95),8:N2} ms   p99 {Percentile(scan, 99),8:N2} ms   mean {scan.Average(),8:N2} ms   ({scan.Length} queries)");
        Console.WriteLine($"ratio        p50 {Percentile(scan, 50) / Percentile(latencies, 50),8:N1}x   p95 {Percentile(scan, 95) / Percentile(latencies, 95),8:N1}x   (brute force / lucene)");
        Memory("end");
    }

    private static List<SearchDocument> Generate(int count, string[] sentences)
    {
        Randomizer.Seed = new Random(42);
        var english = new Faker("en");
        var chinese = new Faker("zh_CN");
        var random = new Random(42);
        var documents = new List<SearchDocument>(count);
        for (var i = 0; i < count; i++)
        {
            var text = (i % 10) switch
            {
                < 5 => sentences[random.Next(sentences.Length)] + (random.Next(2) == 0 ? "" : "，" + sentences[random.Next(sentences.Length)]),
                < 8 => english.Rant.Review(english.Commerce.ProductName()),
                _ => $"{chinese.Name.FullName()}：{english.Commerce.ProductName()} {sentences[random.Next(sentences.Length)]}",
            };
            documents.Add(new SearchDocument(
                $"m{i}",
                Types[i % Types.Length],
                Channels[random.Next(Channels.Length)],
                $"acct-{random.Next(20)}",
                $"u{random.Next(100_000)}",
                i % 10 >= 8 ? null : english.Internet.UserName(),
                null,
                text,
                Start.AddSeconds(i * 25L),
                random.Next(4) == 0 ? $"rep-{random.Next(50)}" : null,
                random.Next(5) == 0 ? ["vip"] : []));
        }

        return documents;
    }

    /// <summary>Two- and three-character Chinese (the product's main case), single characters, English words, and filtered queries; all with facets.</summary>
    private static List<SearchQuery> Queries(int count, string[] sentences, Random random)
    {
        var english = new[] { "fantastic", "product", "quality", "shoes", "price", "chicken", "computer", "service", "refund", "delivery" };
        var result = new List<SearchQuery>(count);
        while (result.Count < count)
        {
            var kind = result.Count % 10;
            if (kind < 7)
            {
                var s = Width.Fold(sentences[random.Next(sentences.Length)]);
                var length = kind < 1 ? 1 : kind < 4 ? 2 : 3;
                if (s.Length < length)
                {
                    continue;
                }

                var at = random.Next(s.Length - length + 1);
                var text = s.Substring(at, length);
                if (!text.All(c => c is >= '\u4E00' and <= '\u9FFF'))
                {
                    continue;
                }

                var filter = kind == 6 ? new SearchFilter { Channels = [Channels[random.Next(Channels.Length)]] } : SearchFilter.None;
                result.Add(new SearchQuery { Text = text, Filter = filter });
            }
            else
            {
                var text = english[random.Next(english.Length)] + (kind == 9 ? " " + english[random.Next(english.Length)] : "");
                result.Add(new SearchQuery { Text = text, Sort = kind == 8 ? SearchSort.Newest : SearchSort.Relevance });
            }
        }

        return result;
    }

    /// <summary>The same answer the hard way: every document's normalised text, a substring test per word, facets and a top 20.</summary>
    private static int BruteForce(SearchQuery query, List<SearchDocument> documents, string[] normalised)
    {
        var words = query.Text!.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var channels = new Dictionary<string, int>();
        var types = new Dictionary<string, int>();
        var days = new Dictionary<long, int>();
        var top = new PriorityQueue<int, long>();
        var matched = 0;
        for (var i = 0; i < normalised.Length; i++)
        {
            var d = documents[i];
            if (query.Filter.Channels.Count > 0 && !query.Filter.Channels.Contains(d.Channel))
            {
                continue;
            }

            var all = true;
            foreach (var w in words)
            {
                all &= normalised[i].Contains(w, StringComparison.Ordinal);
            }

            if (!all)
            {
                continue;
            }

            matched++;
            CollectionsMarshal.GetValueRefOrAddDefault(channels, d.Channel, out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(types, d.Type, out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(days, d.CreatedAt.ToUnixTimeMilliseconds() / 86_400_000, out _)++;
            top.Enqueue(i, d.CreatedAt.ToUnixTimeMilliseconds());
            if (top.Count > 20)
            {
                top.Dequeue();
            }
        }

        return matched;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void Memory(string when)
    {
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"memory       RSS {process.WorkingSet64 / 1024.0 / 1024.0,8:N0} MB   peak {process.PeakWorkingSet64 / 1024.0 / 1024.0,8:N0} MB   managed heap {GC.GetTotalMemory(false) / 1024.0 / 1024.0,8:N0} MB   ({when})");
    }
}
