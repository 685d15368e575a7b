using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Access.Storage;
using Scrm.Platform.Security;

namespace Scrm.Access.People;

/// <summary>
/// Hands a deactivated person's leads, customers and conversations to their successor. The decision
/// is stored with the deactivation (a <see cref="HandoverRow"/>, in the same transaction); each
/// module then moves its records in its own store's transaction with its own audit entry, and a
/// pass moves nothing twice. The refresh loop runs one more pass once <see cref="AccessOptions.HandoverSettle"/>
/// has passed and only then removes the row: a pass cut short by a failure or a crash is finished,
/// and a record a replica gave the person before it heard of the deactivation is moved too.
/// </summary>
internal sealed partial class Handovers(
    IDbContextFactory<AccessDbContext> contexts,
    IEnumerable<IOwnerHandover> modules,
    IOptions<AccessOptions> options,
    TimeProvider time,
    ILogger<Handovers> log)
{
    /// <summary>One pass over every module; <paramref name="moved"/> counts what moved, per kind of record, even when a module fails.</summary>
    public async Task PassAsync(string user, string successor, string by, Dictionary<string, int> moved, CancellationToken cancellationToken)
    {
        foreach (var module in modules)
        {
            moved[module.Resource] = moved.GetValueOrDefault(module.Resource) + await module.HandOverAsync(user, successor, by, cancellationToken);
        }
    }

    /// <summary>The last pass of every handover whose settle time is over; how many were finished.</summary>
    public async Task<int> FinishDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = (time.GetUtcNow() - options.Value.HandoverSettle).ToUnixTimeMilliseconds();
        var rows = await db.Handovers.AsNoTracking().Where(h => h.RequestedAt <= due).OrderBy(h => h.RequestedAt).ToListAsync(cancellationToken);
        var finished = 0;
        foreach (var row in rows)
        {
            var moved = new Dictionary<string, int>(StringComparer.Ordinal);
            try
            {
                await PassAsync(row.UserId, row.Successor, row.By, moved, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUnfinished(log, row.UserId, ex);
                continue;
            }

            // Only the decision this pass carried out: a deactivation repeated meanwhile (another successor) stays.
            finished += await db.Handovers
                .Where(h => h.UserId == row.UserId && h.Successor == row.Successor && h.RequestedAt == row.RequestedAt)
                .ExecuteDeleteAsync(cancellationToken);
            var late = moved.Values.Sum();
            if (late > 0)
            {
                LogLate(log, row.UserId, late);
            }
        }

        return finished;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing over the records of deactivated user {User} failed; the next refresh tries again")]
    private static partial void LogUnfinished(ILogger logger, string user, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The last handover pass for deactivated user {User} moved {Count} records given to them meanwhile")]
    private static partial void LogLate(ILogger logger, string user, int count);
}
