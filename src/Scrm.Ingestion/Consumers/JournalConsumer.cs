using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Ingestion.Journal;

namespace Scrm.Ingestion.Consumers;

/// <summary>
/// Runs one <see cref="IJournalHandler"/> from its checkpoint. A lease on the checkpoint row makes
/// one replica at a time the consumer. Up to <see cref="IJournalHandler.BatchesInFlight"/> batches
/// are handled at once and the checkpoint passes them in order. After a failure everything since
/// the checkpoint is retried one entry at a time, and an entry that still fails after
/// <see cref="JournalOptions.MaxAttempts"/> is dead-lettered. A consumer ordered after others
/// (<see cref="JournalOrder"/>) reads no further than the least of their checkpoints.
/// </summary>
internal sealed partial class JournalConsumer<THandler>(
    IServiceScopeFactory scopes,
    IDbContextFactory<JournalDbContext> contexts,
    JournalReader reader,
    JournalSignal signal,
    JournalProgress progress,
    IEnumerable<JournalOrder> orders,
    IEnumerable<JournalConsumerType> consumers,
    LeaseTakeovers takeovers,
    IOptions<JournalOptions> options,
    TimeProvider time,
    ILogger<JournalConsumer<THandler>> log) : BackgroundService
    where THandler : class, IJournalHandler
{
    private readonly JournalOptions _options = options.Value;

    // While this process holds the lease its checkpoint is the truth: idle polls read the journal
    // only. A heartbeat renews the lease every third of its length, apart from the batches, so a
    // long batch never lets it lapse and a dead holder's lease lapses within one lease length.
    private long? _heldPosition;
    private long _heldUntil;
    private volatile bool _holding;
    private volatile bool _lost;

    // Batches read and being handled, oldest first (whether each was as large as asked), and the position of the last entry read.
    private readonly Queue<(long Last, bool Full, Task Work)> _inFlight = new();
    private long _readTo;

    // Full batches passed since the lease was taken or a failure. For a handler that declared small
    // batches, each doubles the batch size (up to Scrm:Journal:ConsumerBatchSize) and opens one more
    // batch in flight: the first checkpoint after a start or takeover moves after one small batch,
    // and a backlog is read in large ones.
    private int _ramp;

    private static readonly Task Never = new TaskCompletionSource().Task;

    // The consumers that must have passed an item before this one reads it.
    private string[] _after = [];

    private string Owner => _options.InstanceId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunConsumers)
        {
            return;
        }

        string name;
        int window;
        int batchSize;
        using (var scope = scopes.CreateScope())
        {
            var handler = scope.ServiceProvider.GetRequiredService<THandler>();
            name = handler.Name;
            window = Math.Max(1, handler.BatchesInFlight);
            batchSize = Math.Clamp(handler.BatchSize ?? int.MaxValue, 1, _options.ConsumerBatchSize);
            var here = consumers.Select(c => ((IJournalHandler)scope.ServiceProvider.GetRequiredService(c.Handler)).Name).ToHashSet(StringComparer.Ordinal);
            _after = [.. orders.Where(o => o.Consumer == name && o.After != name && here.Contains(o.After)).Select(o => o.After).Distinct()];
        }

        using var beating = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heartbeat = HeartbeatAsync(name, beating.Token);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var nextCommit = signal.NextCommit;
            var nextPass = _after.Length > 0 ? progress.NextPass : Never;
            try
            {
                // After a failure the entries go one at a time, and one batch at a time, until one gets through.
                var handled = failures > 0
                    ? await RunOnceAsync(name, 1, 1, failures, stoppingToken)
                    : await RunOnceAsync(name, batchSize, window, 0, stoppingToken);
                failures = 0;
                if (handled > 0)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                await DrainAsync(name);
                _ramp = 0;
                failures++;
                LogFailed(log, ex, name, failures);
                await DelayAsync(Task.Delay(Backoff(failures), time, stoppingToken));
                continue;
            }

            await DelayAsync(Task.WhenAny(nextCommit, nextPass, Task.Delay(_options.ConsumerPollInterval, time, stoppingToken)));
        }

        await DrainAsync(name);
        await beating.CancelAsync();
        await heartbeat;
        await ReleaseLeaseAsync(name);
    }

    /// <summary>
    /// Renews the lease while this process holds it. A renewal that finds another owner (this
    /// process paused past its lease and a replica took over) marks the lease lost: the next step
    /// stops reading, and the checkpoint, written only by the owner, cannot move back.
    /// </summary>
    private async Task HeartbeatAsync(string name, CancellationToken cancellationToken)
    {
        var every = _options.ConsumerLease / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            await DelayAsync(Task.Delay(every, time, cancellationToken));
            if (!_holding || cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            try
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                var until = now + (long)_options.ConsumerLease.TotalMilliseconds;
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var renewed = await db.Checkpoints
                    .Where(c => c.Consumer == name && c.LeaseOwner == Owner)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseUntil, until), cancellationToken);
                if (renewed == 0)
                {
                    _holding = false;
                    _lost = true;
                    LogLeaseLost(log, name);
                }
                else
                {
                    Interlocked.Exchange(ref _heldUntil, until);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // The next beat tries again; the lease lasts three beats.
                LogHeartbeatFailed(log, ex, name);
            }
        }
    }

    /// <summary>On a graceful stop another replica may take over at once instead of waiting for the lease to lapse.</summary>
    private async Task ReleaseLeaseAsync(string name)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            await db.Checkpoints
                .Where(c => c.Consumer == name && c.LeaseOwner == Owner)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseUntil, 0L), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(log, ex, name, 0);
        }
    }

    /// <summary>
    /// One step: reads the next batch when fewer than <paramref name="window"/> are in flight, and
    /// otherwise (or at the end of the journal) waits for the oldest and moves the checkpoint past
    /// it. Returns how many entries it read or passed (0 when idle or not the lease holder).
    /// </summary>
    private async Task<int> RunOnceAsync(string name, int batchSize, int window, int failures, CancellationToken cancellationToken)
    {
        var position = await AcquireLeaseAsync(name, cancellationToken);
        if (position is null)
        {
            // Another replica holds the lease: what is in flight ends here, and that replica starts from the checkpoint.
            await DrainAsync(name);
            return 0;
        }

        var read = 0;
        var from = _inFlight.Count > 0 ? _readTo : position.Value;
        (batchSize, window) = Ramped(batchSize, window, _options.ConsumerBatchSize, _ramp);
        if (_inFlight.Count < window && await ThroughAsync(from, cancellationToken) is var through && through > from)
        {
            var batch = await reader.ReadAsync(from, batchSize, cancellationToken, through);
            if (batch.Count > 0)
            {
                _readTo = batch[^1].Position;
                _inFlight.Enqueue((_readTo, batch.Count == batchSize, HandleAsync(name, batch, failures, cancellationToken)));
                read = batch.Count;
                if (_inFlight.Count < window)
                {
                    return read;
                }
            }
        }

        if (!_inFlight.TryPeek(out var oldest))
        {
            return 0;
        }

        await oldest.Work;
        _inFlight.Dequeue();
        await SaveCheckpointAsync(name, oldest.Last, cancellationToken);
        if (oldest.Full && _ramp < 16)
        {
            _ramp++;
        }

        return Math.Max(read, 1);
    }

    /// <summary>
    /// The batch size and batches in flight after <paramref name="ramp"/> full batches passed, for a
    /// handler that declared batches smaller than the journal's; others keep theirs. Pure.
    /// </summary>
    internal static (int BatchSize, int Window) Ramped(int batchSize, int window, int maxBatchSize, int ramp) =>
        batchSize >= maxBatchSize
            ? (maxBatchSize, window)
            : ((int)Math.Min(maxBatchSize, (long)batchSize << Math.Min(ramp, 16)), Math.Min(window, 1 + ramp));

    /// <summary>
    /// How far this consumer may read: the least checkpoint of the consumers it is ordered after.
    /// This process's own record of a checkpoint is used while it lets something be read; else the
    /// stored one (the consumer may run on another replica), which is never behind it.
    /// </summary>
    private async Task<long> ThroughAsync(long from, CancellationToken cancellationToken)
    {
        var through = long.MaxValue;
        foreach (var after in _after)
        {
            var passed = progress.Of(after) ?? -1;
            if (passed <= from)
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var stored = await db.Checkpoints.AsNoTracking().Where(c => c.Consumer == after).Select(c => (long?)c.Position).SingleOrDefaultAsync(cancellationToken) ?? 0;
                passed = Math.Max(passed, stored);
            }

            through = Math.Min(through, passed);
        }

        return through;
    }

    private async Task HandleAsync(string name, IReadOnlyList<JournalEntry> batch, int failures, CancellationToken cancellationToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(batch, cancellationToken);
        }
        catch (Exception ex) when (batch.Count == 1 && failures + 1 >= _options.MaxAttempts && ex is not OperationCanceledException)
        {
            await DeadLetterAsync(name, batch[0].Position, ex, cancellationToken);
        }
    }

    /// <summary>
    /// Waits for every batch in flight; the checkpoint passes those that end in order before the
    /// first that failed. Failures are not reported here: the entries are handed over again.
    /// </summary>
    private async Task DrainAsync(string name)
    {
        var passing = _heldPosition is not null;
        while (_inFlight.TryDequeue(out var flight))
        {
            try
            {
                await flight.Work;
                if (passing)
                {
                    await SaveCheckpointAsync(name, flight.Last, CancellationToken.None);
                }
            }
            catch (Exception)
            {
                passing = false;
            }
        }
    }

    private async Task<long?> AcquireLeaseAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_heldPosition is { } held && !_lost && now < Interlocked.Read(ref _heldUntil) - (long)(_options.ConsumerLease.TotalMilliseconds / 2))
        {
            return held;
        }

        var had = _holding && !_lost;
        _heldPosition = null;
        _holding = false;
        _lost = false;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Checkpoints.AnyAsync(c => c.Consumer == name, cancellationToken))
        {
            db.Checkpoints.Add(new CheckpointRow { Consumer = name, UpdatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another replica created it first.
            }
        }

        // A lease another replica did not let go of (a graceful stop sets it to 0) means that replica died or stalled.
        var previous = await db.Checkpoints.Where(c => c.Consumer == name).Select(c => new { c.LeaseOwner, c.LeaseUntil }).SingleAsync(cancellationToken);
        var until = now + (long)_options.ConsumerLease.TotalMilliseconds;
        var leased = await db.Checkpoints
            .Where(c => c.Consumer == name && (c.LeaseOwner == Owner || c.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, Owner).SetProperty(c => c.LeaseUntil, until), cancellationToken);
        if (leased == 0)
        {
            return null;
        }

        if (!had || previous.LeaseOwner != Owner)
        {
            _ramp = 0;
        }

        if (previous.LeaseOwner is { } from && from != Owner && previous.LeaseUntil > 0)
        {
            LogTakenOver(log, name, from);
            takeovers.Record();
        }

        Interlocked.Exchange(ref _heldUntil, until);
        _heldPosition = await db.Checkpoints.Where(c => c.Consumer == name).Select(c => c.Position).SingleAsync(cancellationToken);
        _holding = true;
        return _heldPosition;
    }

    private async Task SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var saved = await db.Checkpoints
            .Where(c => c.Consumer == name && c.LeaseOwner == Owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Position, position)
                .SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.LeaseUntil, now + (long)_options.ConsumerLease.TotalMilliseconds), cancellationToken);
        if (saved == 0)
        {
            _heldPosition = null;
            _holding = false;
            LogLeaseLost(log, name);
        }
        else
        {
            _heldPosition = position;
            Interlocked.Exchange(ref _heldUntil, now + (long)_options.ConsumerLease.TotalMilliseconds);
            progress.Passed(name, position);
        }
    }

    private async Task DeadLetterAsync(string name, long position, Exception exception, CancellationToken cancellationToken)
    {
        LogDeadLettered(log, exception, name, position);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.DeadLetters.AnyAsync(d => d.Consumer == name && d.Position == position, cancellationToken))
        {
            var error = $"{exception.GetType().Name}: {exception.Message}";
            db.DeadLetters.Add(new DeadLetterRow
            {
                Consumer = name,
                Position = position,
                Error = error.Length > 2000 ? error[..2000] : error,
                FailedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(failures, 10))));

    private static async Task DelayAsync(Task wait)
    {
        try
        {
            await wait;
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal consumer {Consumer} failed (attempt {Attempt}); retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception, string consumer, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal consumer {Consumer} dead-lettered position {Position}")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string consumer, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal consumer {Consumer} taken over from replica {Replica}, whose lease lapsed")]
    private static partial void LogTakenOver(ILogger logger, string consumer, string replica);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal consumer {Consumer} could not renew its lease; trying again at the next beat")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal consumer {Consumer} lost its lease; another replica continues")]
    private static partial void LogLeaseLost(ILogger logger, string consumer);
}
