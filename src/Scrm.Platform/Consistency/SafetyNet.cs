using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Effects;

namespace Scrm.Platform.Consistency;

/// <summary>
/// Runs every module's <see cref="IConsistencyCheck"/> (periodically, and on an admin's request),
/// keeps the last report for readiness, counts findings and repairs as metrics
/// (<c>Scrm.Consistency</c>), and prunes the effect outcomes no replay will need any more.
/// </summary>
internal sealed partial class SafetyNet : IDisposable
{
    public const string MeterName = "Scrm.Consistency";

    private readonly IReadOnlyList<IConsistencyCheck> _checks;
    private readonly IReadOnlyList<IEffectOutcomeTable> _outcomes;
    private readonly IOptionsMonitor<ConsistencyOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SafetyNet> _log;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly Counter<long> _found;
    private readonly Counter<long> _repaired;
    private volatile ConsistencyReport? _last;

    public SafetyNet(IEnumerable<IConsistencyCheck> checks, IEnumerable<IEffectOutcomeTable> outcomes, IOptionsMonitor<ConsistencyOptions> options,
        TimeProvider time, IMeterFactory meters, ILogger<SafetyNet> log)
    {
        _checks = [.. checks];
        _outcomes = [.. outcomes];
        _options = options;
        _time = time;
        _log = log;
        var meter = meters.Create(MeterName);
        _found = meter.CreateCounter<long>("scrm.consistency.found", description: "Work found fallen through between stores, by check.");
        _repaired = meter.CreateCounter<long>("scrm.consistency.repaired", description: "Of that, what the safety net repaired, by check.");
        meter.CreateObservableGauge("scrm.consistency.left", () => (_last?.Findings ?? []).Select(f => new Measurement<int>(f.Left.Count, new KeyValuePair<string, object?>("check", f.Check))),
            description: "What the last run found and could not repair, by check.");
    }

    /// <summary>The last run's report; null before the first.</summary>
    public ConsistencyReport? Last => _last;

    /// <summary>Runs every check (one run at a time in this process), then prunes old effect outcomes when repairing.</summary>
    public async Task<ConsistencyReport> RunAsync(bool repair, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            var options = _options.CurrentValue;
            var now = _time.GetUtcNow();
            var run = new ConsistencyRun(repair, now - options.Grace);
            var findings = new List<ConsistencyFinding>(_checks.Count);
            foreach (var check in _checks)
            {
                ConsistencyFinding finding;
                try
                {
                    finding = await check.RunAsync(run, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCheckFailed(_log, ex, check.Name);
                    finding = new ConsistencyFinding(check.Name, 0, 0, [$"the check failed: {ex.GetType().Name}"]);
                }

                var tag = new KeyValuePair<string, object?>("check", check.Name);
                _found.Add(finding.Found, tag);
                _repaired.Add(finding.Repaired, tag);
                if (finding.Found > 0)
                {
                    LogFinding(_log, check.Name, finding.Found, finding.Repaired, finding.Left.Count);
                }

                findings.Add(finding);
            }

            if (repair)
            {
                var before = (now - options.EffectOutcomeRetention).ToUnixTimeMilliseconds();
                foreach (var table in _outcomes)
                {
                    await table.PurgeAsync(before, cancellationToken);
                }
            }

            return _last = new ConsistencyReport(now, repair, findings);
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Safety net: {Check} found {Found}, repaired {Repaired}, {Left} left")]
    private static partial void LogFinding(ILogger logger, string check, int found, int repaired, int left);

    [LoggerMessage(Level = LogLevel.Error, Message = "Safety net: the check {Check} failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string check);
}
