using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Campaigns.Storage;
using Scrm.Platform.Security;
using Scrm.Workflows.Runtime;

namespace Scrm.Campaigns.Segments.Watch;

/// <summary>
/// Keeps each saved segment's members and tells the workflow engine who entered and who left
/// (<c>segment.entered</c> / <c>segment.left</c>, the stimuli of <c>trigger.segment</c>). After the
/// fact index took in changes (and at least once a minute, for rules relative to now), each saved
/// segment is evaluated on the index and compared with its stored members; the difference is written
/// with its events in one transaction, and the events are delivered afterwards and deleted once
/// delivered — a crash between the two delivers them again under the same idempotency key
/// (segment × customer × when they entered), which starts no workflow twice. The members a segment
/// has when it is first seen are taken as they are: nobody "enters" a segment by its being saved.
/// </summary>
internal sealed partial class SegmentWatch(
    IDbContextFactory<CampaignsDbContext> contexts, FactIndex index, IServiceProvider services, TimeProvider time, ILogger<SegmentWatch> log) : IDisposable
{
    public const string Entered = "entered";
    public const string Left = "left";

    /// <summary>Rules relative to now (within 30 days) change without any fact changing: look at least this often.</summary>
    private static readonly TimeSpan TimeStep = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, Dictionary<Guid, long>> _members = [];
    private readonly Dictionary<Guid, int> _versions = [];
    private long _seenChanges = -1;
    private DateTimeOffset _lastFull = DateTimeOffset.MinValue;

    public static string StimulusName(string kind) => "segment." + kind;

    /// <summary>The key a step waits on for one customer leaving one segment.</summary>
    public static string Key(Guid segment, Guid customer) => segment.ToString("D") + "/" + customer.ToString("D");

    public void Dispose() => _gate.Dispose();

    /// <summary>Whether the customer is in the saved segment now, as the watch last stored it.</summary>
    public async Task<bool> IsMemberAsync(Guid segment, Guid customer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.SegmentMembers.AnyAsync(m => m.SegmentId == segment && m.CustomerId == customer, cancellationToken);
    }

    /// <summary>
    /// Compares every saved segment with its stored members when facts, rules or the time changed
    /// (always when <paramref name="force"/>), then delivers the events not yet delivered.
    /// Returns how many entered and left.
    /// </summary>
    public async Task<(int Entered, int Left)> PassAsync(RuleContext context, bool force, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (entered, left) = (0, 0);
            var changes = index.Changes;
            var now = time.GetUtcNow();
            List<SegmentRow> segments;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                segments = await db.Segments.AsNoTracking().ToListAsync(cancellationToken);
            }

            var rulesChanged = segments.Count != _versions.Count || segments.Any(s => !_versions.TryGetValue(s.Id, out var v) || v != s.Version);
            if (force || rulesChanged || changes != _seenChanges || now - _lastFull >= TimeStep)
            {
                foreach (var gone in _members.Keys.Except(segments.Select(s => s.Id)).ToList())
                {
                    _members.Remove(gone);
                    _versions.Remove(gone);
                }

                foreach (var segment in segments)
                {
                    var (e, l) = await CompareAsync(segment, context, now.ToUnixTimeMilliseconds(), cancellationToken);
                    entered += e;
                    left += l;
                }

                _seenChanges = changes;
                _lastFull = now;
            }

            await DeliverAsync(cancellationToken);
            return (entered, left);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(int, int)> CompareAsync(SegmentRow segment, RuleContext context, long now, CancellationToken cancellationToken)
    {
        SegmentRule rule;
        using (var document = JsonDocument.Parse(segment.Rule))
        {
            if (RuleParser.Parse(document.RootElement).Rule is not { } parsed)
            {
                return (0, 0);
            }

            rule = parsed;
        }

        var current = index.Select(rule, context, OwnerScope.All).Ids();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!_members.TryGetValue(segment.Id, out var stored))
        {
            stored = await db.SegmentMembers.AsNoTracking().Where(m => m.SegmentId == segment.Id)
                .ToDictionaryAsync(m => m.CustomerId, m => m.EnteredAt, cancellationToken);
        }

        var baseline = segment.MembersAt is null;
        var entered = current.Where(id => !stored.ContainsKey(id)).ToList();
        var left = stored.Keys.Where(id => !current.Contains(id)).ToList();
        if (entered.Count == 0 && left.Count == 0 && !baseline)
        {
            _members[segment.Id] = stored;
            _versions[segment.Id] = segment.Version;
            return (0, 0);
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            foreach (var chunk in left.Chunk(1_000))
            {
                await db.SegmentMembers.Where(m => m.SegmentId == segment.Id && chunk.Contains(m.CustomerId)).ExecuteDeleteAsync(cancellationToken);
            }

            db.SegmentMembers.AddRange(entered.Select(id => new SegmentMemberRow { SegmentId = segment.Id, CustomerId = id, EnteredAt = now }));
            if (!baseline)
            {
                db.SegmentChanges.AddRange(entered.Select(id => new SegmentChangeRow { SegmentId = segment.Id, CustomerId = id, Kind = Entered, EnteredAt = now, At = now }));
                db.SegmentChanges.AddRange(left.Select(id => new SegmentChangeRow { SegmentId = segment.Id, CustomerId = id, Kind = Left, EnteredAt = stored[id], At = now }));
            }

            await db.SaveChangesAsync(cancellationToken);
            if (baseline)
            {
                await db.Segments.Where(s => s.Id == segment.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.MembersAt, now), cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            // Another host stored this segment's members meanwhile: read them afresh next time.
            _members.Remove(segment.Id);
            LogCompareFailed(log, segment.Id, e);
            return (0, 0);
        }

        foreach (var id in left)
        {
            stored.Remove(id);
        }

        foreach (var id in entered)
        {
            stored[id] = now;
        }

        _members[segment.Id] = stored;
        _versions[segment.Id] = segment.Version;
        if (!baseline)
        {
            LogChanged(log, segment.Id, entered.Count, left.Count);
        }

        return baseline ? (0, 0) : (entered.Count, left.Count);
    }

    /// <summary>Hands the stored events to the workflow engine, oldest first, and forgets those delivered.</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<WorkflowRuntime>() is not { } runtime)
        {
            return;
        }

        while (true)
        {
            List<SegmentChangeRow> batch;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                batch = await db.SegmentChanges.AsNoTracking().OrderBy(c => c.Id).Take(500).ToListAsync(cancellationToken);
            }

            if (batch.Count == 0)
            {
                return;
            }

            await runtime.DispatchAsync([.. batch.Select(StimulusOf)], keepUnmatched: false, cancellationToken);
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                var ids = batch.Select(c => c.Id).ToList();
                await db.SegmentChanges.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);
            }
        }
    }

    internal static Stimulus StimulusOf(SegmentChangeRow change)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(change.At).ToString("O", CultureInfo.InvariantCulture);
        var payload = new JsonObject
        {
            ["event"] = change.Kind,
            ["segmentId"] = change.SegmentId.ToString("D"),
            ["customerId"] = change.CustomerId.ToString("D"),
            ["enteredAt"] = DateTimeOffset.FromUnixTimeMilliseconds(change.EnteredAt).ToString("O", CultureInfo.InvariantCulture),
            ["at"] = at,
        };
        var key = string.Create(CultureInfo.InvariantCulture, $"segment:{change.Kind}:{change.SegmentId:N}:{change.CustomerId:N}:{change.EnteredAt}");
        return new Stimulus(StimulusName(change.Kind), ["", change.SegmentId.ToString("D"), Key(change.SegmentId, change.CustomerId)], payload, key,
            change.CustomerId.ToString("D"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Segment {Segment}: {Entered} entered, {Left} left")]
    private static partial void LogChanged(ILogger logger, Guid segment, int entered, int left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment {Segment}: its members could not be stored; they are read again next time")]
    private static partial void LogCompareFailed(ILogger logger, Guid segment, Exception exception);
}
