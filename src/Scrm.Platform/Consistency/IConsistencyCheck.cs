namespace Scrm.Platform.Consistency;

/// <summary>
/// A module's check for work that fell through between two stores (a lead left with no owner, an
/// instance whose effects disagree with its record, a send left half done): it finds such work
/// older than the run's cutoff, repairs what it can, and says what it could not.
/// </summary>
public interface IConsistencyCheck
{
    /// <summary>Names the check in reports, readiness and metrics, e.g. <c>leads.unrouted</c>.</summary>
    string Name { get; }

    Task<ConsistencyFinding> RunAsync(ConsistencyRun run, CancellationToken cancellationToken);
}

/// <summary>One run's terms: work newer than <paramref name="Cutoff"/> is still in flight and not looked at; without <paramref name="Repair"/> nothing is changed.</summary>
public sealed record ConsistencyRun(bool Repair, DateTimeOffset Cutoff);

/// <summary>What one check found: how much, how much it repaired, and a line for each thing still wrong (ids and reasons, never personal data).</summary>
public sealed record ConsistencyFinding(string Check, int Found, int Repaired, IReadOnlyList<string> Left)
{
    public static ConsistencyFinding None(string check) => new(check, 0, 0, []);
}

/// <summary>A run of every check.</summary>
internal sealed record ConsistencyReport(DateTimeOffset At, bool Repaired, IReadOnlyList<ConsistencyFinding> Findings)
{
    public int Left => Findings.Sum(f => f.Left.Count);
}
