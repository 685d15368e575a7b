using Scrm.Workflows.Definitions;
using Scrm.Workflows.Runtime;

namespace Scrm.Workflows.History;

/// <summary>How long each ended status of one definition is kept; pure.</summary>
internal static class HistoryPolicy
{
    public static IReadOnlyList<(WorkflowStatus Status, TimeSpan Keep)> For(HistoryPeriods? definition, HistoryOptions defaults) =>
    [
        (WorkflowStatus.Finished, definition?.Finished ?? defaults.Finished),
        (WorkflowStatus.Cancelled, definition?.Cancelled ?? defaults.Cancelled),
        (WorkflowStatus.Faulted, definition?.Faulted ?? defaults.Faulted),
    ];

    /// <summary>Instances that ended before this moment are past their time (Unix milliseconds).</summary>
    public static long EndedBefore(DateTimeOffset now, TimeSpan keep) =>
        keep >= TimeSpan.FromDays(365 * 100) ? long.MinValue : (now - keep).ToUnixTimeMilliseconds();
}
