using System.Diagnostics;

namespace Scrm.Benchmarks;

/// <summary>
/// Closed-loop load on loopback: N clients each send a request, wait for the answer, repeat, until
/// the time or the request budget runs out. Bounded in both, so a run always stops by itself.
/// </summary>
internal static class LoadDriver
{
    public sealed record Result(string Name, long Requests, long Items, long Errors, TimeSpan Elapsed, double[] LatenciesMs)
    {
        public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

        public double ItemsPerSecond => Items / Elapsed.TotalSeconds;

        public double Percentile(double p)
        {
            if (LatenciesMs.Length == 0)
            {
                return double.NaN;
            }

            var index = (int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1;
            return LatenciesMs[Math.Clamp(index, 0, LatenciesMs.Length - 1)];
        }

        public override string ToString() =>
            $"{Name,-34} {RequestsPerSecond,10:N0} req/s {ItemsPerSecond,10:N0} items/s   p50 {Percentile(50),6:N2} ms   p99 {Percentile(99),6:N2} ms   p99.9 {Percentile(99.9),7:N2} ms   errors {Errors}";
    }

    /// <param name="send">Sends request number n for client c; returns (items in it, success).</param>
    public static async Task<Result> RunAsync(string name, int clients, TimeSpan duration, long maxRequests, Func<int, long, Task<(int Items, bool Ok)>> send)
    {
        long issued = 0, items = 0, errors = 0;
        var latencies = new List<double>[clients];
        var stopwatch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(4_096);
            while (stopwatch.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > maxRequests)
                {
                    break;
                }

                var started = Stopwatch.GetTimestamp();
                var (count, ok) = await send(c, n);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (ok)
                {
                    Interlocked.Add(ref items, count);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        stopwatch.Stop();
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new Result(name, all.Length, items, errors, stopwatch.Elapsed, all);
    }

    public static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static double RssMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1024.0 / 1024.0;
    }
}
