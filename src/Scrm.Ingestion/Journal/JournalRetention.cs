using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Storage;

namespace Scrm.Ingestion.Journal;

/// <summary>
/// <c>Scrm:Journal:Retention</c>. Off by default: the search index is rebuilt from the journal, so
/// what is cleared here can no longer be re-indexed (nor re-read by a consumer added later).
/// </summary>
public sealed class JournalRetentionOptions
{
    /// <summary>Payloads every consumer has passed are cleared this long after they arrived; the row and its key stay.</summary>
    public TimeSpan? PayloadsFor { get; set; }

    /// <summary>
    /// Rows (and so their idempotency keys) are deleted this long after they arrived. Keep keys longer than
    /// channels retry and than payloads: a duplicate is answered as one only while its key is here.
    /// </summary>
    public TimeSpan? KeysFor { get; set; }

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public int BatchSize { get; set; } = 2_000;

    /// <summary>Pause between batches, so ingest commits never wait long behind the sweep.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(50);

    internal bool Enabled => PayloadsFor is not null || KeysFor is not null;

    internal static bool IsValid(JournalRetentionOptions o) =>
        o.PayloadsFor is null or { TotalDays: >= 1 }
        && o.KeysFor is null or { TotalDays: >= 7 }
        && (o.PayloadsFor is null || o.KeysFor is null || o.KeysFor >= o.PayloadsFor)
        && o.SweepInterval > TimeSpan.Zero && o.BatchSize is > 0 and <= 100_000 && o.BatchPause >= TimeSpan.Zero;
}

/// <summary>What one sweep did.</summary>
internal sealed record JournalSweep(long PayloadsCleared, long RowsDeleted);

/// <summary>
/// Clears the payloads of entries every consumer has passed and that are older than
/// <see cref="JournalRetentionOptions.PayloadsFor"/> (dead-lettered ones stay, for a retry), and deletes
/// rows older than <see cref="JournalRetentionOptions.KeysFor"/>, in small batches by position.
/// Readers skip cleared entries.
/// </summary>
internal sealed partial class JournalRetention(
    IDbContextFactory<JournalDbContext> contexts,
    ScrmDatabase database,
    IOptions<JournalOptions> options,
    TimeProvider time,
    ILogger<JournalRetention> log) : IRetentionReport
{
    private readonly JournalRetentionOptions _options = options.Value.Retention;

    public async Task<JournalSweep> SweepAsync(DateTimeOffset? now, CancellationToken cancellationToken)
    {
        var at = now ?? time.GetUtcNow();
        long cleared = 0, deleted = 0;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (_options.PayloadsFor is { } payloadsFor)
        {
            var (from, to) = await RangeAsync(db, JournalCounters.PayloadsClearedThrough, at - payloadsFor, cancellationToken);
            for (var start = from; start < to; start += _options.BatchSize)
            {
                var end = Math.Min(to, start + _options.BatchSize);
                cleared += await db.Items
                    .Where(x => x.Position > start && x.Position <= end && x.Payload != "" && !db.DeadLetters.Any(d => d.Position == x.Position))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Payload, ""), cancellationToken);
                await SetCounterAsync(db, JournalCounters.PayloadsClearedThrough, end, cancellationToken);
                await PauseAsync(cancellationToken);
            }
        }

        if (_options.KeysFor is { } keysFor)
        {
            var (from, to) = await RangeAsync(db, JournalCounters.RowsDeletedThrough, at - keysFor, cancellationToken);
            for (var start = from; start < to; start += _options.BatchSize)
            {
                var end = Math.Min(to, start + _options.BatchSize);
                deleted += await db.Items
                    .Where(x => x.Position > start && x.Position <= end && !db.DeadLetters.Any(d => d.Position == x.Position))
                    .ExecuteDeleteAsync(cancellationToken);
                await SetCounterAsync(db, JournalCounters.RowsDeletedThrough, end, cancellationToken);
                await PauseAsync(cancellationToken);
            }
        }

        if (cleared + deleted > 0)
        {
            // Pages the cleared payloads and deleted rows held go back to the file system, in chunks.
            var journal = database.Store(JournalStore.Name);
            while (await journal.ReleaseFreePagesAsync(1024, cancellationToken) > 0)
            {
                await PauseAsync(cancellationToken);
            }

            LogSwept(log, cleared, deleted);
        }

        return new JournalSweep(cleared, deleted);
    }

    public async Task<IReadOnlyList<RetentionDue>> DueAsync(CancellationToken cancellationToken)
    {
        var due = new List<RetentionDue>();
        var at = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (_options.PayloadsFor is { } payloadsFor)
        {
            var (from, to) = await RangeAsync(db, JournalCounters.PayloadsClearedThrough, at - payloadsFor, cancellationToken);
            var rows = db.Items.Where(x => x.Position > from && x.Position <= to && x.Payload != "");
            due.Add(new RetentionDue("journal", "payloads of entries every consumer has passed", payloadsFor,
                await rows.CountAsync(cancellationToken), await rows.SumAsync(x => (long?)x.Payload.Length, cancellationToken) ?? 0));
        }

        if (_options.KeysFor is { } keysFor)
        {
            var (from, to) = await RangeAsync(db, JournalCounters.RowsDeletedThrough, at - keysFor, cancellationToken);
            var rows = db.Items.Where(x => x.Position > from && x.Position <= to);
            due.Add(new RetentionDue("journal", "entries with their idempotency keys", keysFor,
                await rows.CountAsync(cancellationToken), await rows.SumAsync(x => (long?)(x.Payload.Length + x.IdempotencyKey.Length * 2 + 64), cancellationToken) ?? 0));
        }

        return due;
    }

    /// <summary>
    /// The positions after the last sweep's and up to the last one received before <paramref name="before"/>
    /// that every consumer has passed. Positions are appended in time order, so that last one is found by
    /// bisection over the primary key instead of an index on the arrival time.
    /// </summary>
    private static async Task<(long From, long To)> RangeAsync(JournalDbContext db, string counter, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var from = await db.Counters.Where(c => c.Name == counter).Select(c => (long?)c.Value).FirstOrDefaultAsync(cancellationToken) ?? 0;
        var passed = await db.Checkpoints.MinAsync(c => (long?)c.Position, cancellationToken) ?? 0;
        var last = await db.Items.MaxAsync(x => (long?)x.Position, cancellationToken) ?? 0;
        long low = from, high = Math.Min(passed, last);
        var cutoff = before.ToUnixTimeMilliseconds();
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            var received = await db.Items.Where(x => x.Position >= middle).OrderBy(x => x.Position)
                .Select(x => (long?)x.ReceivedAt).FirstOrDefaultAsync(cancellationToken);
            if (received is { } r && r < cutoff)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return (from, Math.Max(from, low));
    }

    private static async Task SetCounterAsync(JournalDbContext db, string name, long value, CancellationToken cancellationToken)
    {
        if (await db.Counters.Where(c => c.Name == name).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, value), cancellationToken) == 0)
        {
            db.Counters.Add(new CounterRow { Name = name, Value = value });
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    private Task PauseAsync(CancellationToken cancellationToken) =>
        _options.BatchPause > TimeSpan.Zero ? Task.Delay(_options.BatchPause, time, cancellationToken) : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal retention cleared {Payloads} payloads and deleted {Rows} entries")]
    private static partial void LogSwept(ILogger logger, long payloads, long rows);
}

/// <summary>Runs the journal sweep every interval when a retention period is set.</summary>
internal sealed partial class JournalRetentionSweeper(JournalRetention retention, TimeProvider time, IOptions<JournalOptions> options, ILogger<JournalRetentionSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Retention;
        if (!settings.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.SweepInterval, time, stoppingToken);
                await retention.SweepAsync(null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepFailed(log, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal retention sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
