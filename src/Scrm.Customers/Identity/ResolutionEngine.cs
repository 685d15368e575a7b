using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Merging;
using Scrm.Customers.Model;
using Scrm.Customers.Value;

namespace Scrm.Customers.Identity;

/// <summary>
/// Applies observations to the customer model in one transaction: looks up every key of the whole
/// batch with one query per identity type, decides each observation in order against that state
/// (later items see the customers earlier ones created), then writes and runs the merges the rules
/// proved. An observation whose timeline row exists was applied before and changes nothing.
/// </summary>
internal sealed class ResolutionEngine(
    CustomersDbContext db,
    CustomerIds ids,
    MergeService merges,
    ValueScorer scorer,
    ResolutionGate gate,
    TimeProvider time)
{
    public const string Actor = "resolution";

    /// <summary>The customer each observation belongs to (null when it names nobody).</summary>
    public async Task<IReadOnlyList<Guid?>> ApplyAsync(IReadOnlyList<Observation> observations, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await ApplyInTransactionAsync(observations, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            db.ChangeTracker.Clear();
            gate.Release();
        }
    }

    private async Task<IReadOnlyList<Guid?>> ApplyInTransactionAsync(IReadOnlyList<Observation> observations, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var results = new Guid?[observations.Count];
        var eventKeys = observations.Select(o => o.EventKey).Distinct().ToList();
        var done = await db.Timeline.AsNoTracking().Where(t => eventKeys.Contains(t.EventKey))
            .Select(t => new { t.EventKey, t.CustomerId }).ToDictionaryAsync(t => t.EventKey, t => t.CustomerId, cancellationToken);

        var state = await BatchState.LoadAsync(db, observations.Where(o => !done.ContainsKey(o.EventKey)), cancellationToken);
        var patches = new List<(Guid Customer, Observation Observation)>();
        var pendingMerges = new List<(Guid Survivor, Guid Merged, string Reason)>();
        var newCustomers = new List<CustomerRow>();
        var newIdentities = new List<IdentityRow>();
        var newTimeline = new List<TimelineRow>();
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < observations.Count; i++)
        {
            var observation = observations[i];
            if (done.TryGetValue(observation.EventKey, out var earlier))
            {
                results[i] = earlier;
                continue;
            }

            if (first.TryGetValue(observation.EventKey, out var repeatOf))
            {
                results[i] = results[repeatOf];
                continue;
            }

            first[observation.EventKey] = i;
            if (observation.Keys.Count == 0)
            {
                continue;
            }

            var decision = Resolver.Decide(observation, state);
            Guid target;
            if (decision.Target is { } existing)
            {
                target = existing;
            }
            else
            {
                target = ids.New();
                var row = new CustomerRow { Id = target, CreatedAt = now, UpdatedAt = now };
                ProfileUpdate.FillEmpty(row, observation.Profile);
                newCustomers.Add(row);
                state.Created(row);
            }

            foreach (var number in decision.SharedNumbers)
            {
                if (state.MarkShared(number))
                {
                    db.SharedNumbers.Add(new SharedNumberRow { Value = number, MarkedAt = now, Reason = "seen with different names" });
                }
            }

            foreach (var merged in decision.Merge)
            {
                pendingMerges.Add((target, merged, "deterministic: " + string.Join(", ", observation.Keys.Where(k => state.HolderOf(k) == merged).Select(k => k.Type).Distinct())));
                state.Merged(merged, target);
            }

            state.Observed(target, observation);
            foreach (var key in decision.Claim)
            {
                newIdentities.Add(new IdentityRow { CustomerId = target, Type = key.Type, Account = key.Account, Value = key.Value, CreatedAt = now });
                state.Claimed(target, key);
            }

            newTimeline.Add(new TimelineRow
            {
                CustomerId = target,
                EventKey = observation.EventKey,
                Position = observation.Position,
                Kind = observation.Kind,
                Channel = observation.Channel,
                OccurredAt = observation.OccurredAt.ToUnixTimeMilliseconds(),
                Summary = observation.Summary,
                Data = observation.Data,
            });
            patches.Add((target, observation));
            results[i] = target;
        }

        await ApplyPatchesAsync(patches, state, now, cancellationToken);
        await BulkInsert.InsertAsync(db, newCustomers, cancellationToken);
        await BulkInsert.InsertAsync(db, newIdentities, cancellationToken);
        await BulkInsert.InsertAsync(db, newTimeline, cancellationToken);
        await BulkInsert.UpdateModifiedAsync<CustomerRow>(db, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        if (pendingMerges.Count > 0)
        {
            var rescore = new HashSet<Guid>();
            foreach (var (survivor, merged, reason) in pendingMerges)
            {
                await merges.MergeInTransactionAsync(survivor, merged, Actor, reason, cancellationToken);
                rescore.Add(survivor);
            }

            await scorer.RescoreAsync(rescore, cancellationToken);
        }

        for (var i = 0; i < results.Length; i++)
        {
            results[i] = results[i] is { } r ? state.Current(r) : null;
        }

        return results;
    }

    /// <summary>Profile, consent, ownership and tag changes, with one query per table for the customers they touch.</summary>
    private async Task ApplyPatchesAsync(List<(Guid Customer, Observation Observation)> patches, BatchState state, long now, CancellationToken cancellationToken)
    {
        var existing = patches.Select(p => state.Current(p.Customer)).Where(id => !state.IsNew(id)).Distinct().ToList();
        if (existing.Count == 0 && patches.Count == 0)
        {
            return;
        }

        if (existing.Count > 0)
        {
            foreach (var row in await db.Customers.Where(c => existing.Contains(c.Id)).ToListAsync(cancellationToken))
            {
                state.Loaded(row);
            }
        }

        var touched = patches.Select(p => state.Current(p.Customer)).Distinct().ToList();
        var consents = patches.Any(p => p.Observation.Consents.Count > 0)
            ? await db.Consents.Where(c => touched.Contains(c.CustomerId)).ToListAsync(cancellationToken)
            : [];
        var tags = patches.Any(p => p.Observation.AutoTags.Count > 0)
            ? await db.Tags.Where(t => touched.Contains(t.CustomerId)).Select(t => new { t.CustomerId, t.Tag }).ToListAsync(cancellationToken)
            : [];
        var tagSet = tags.Select(t => (t.CustomerId, t.Tag)).ToHashSet();

        foreach (var (customer, observation) in patches)
        {
            var id = state.Current(customer);
            var row = state.Row(id)!;
            if (ProfileUpdate.FillEmpty(row, observation.Profile))
            {
                row.UpdatedAt = now;
            }

            // Owner, consent, tags and the last sales activity are segment facts: a change stamps the customer for the change feed.
            var changed = ApplyOwnership(row, observation);
            var at = observation.OccurredAt.ToUnixTimeMilliseconds();
            foreach (var change in observation.Consents)
            {
                var consent = consents.Find(c => c.CustomerId == id && c.Channel == change.Channel);
                if (consent is null)
                {
                    consent = new ConsentRow { CustomerId = id, Channel = change.Channel, Granted = change.Granted, At = at, Source = change.Source };
                    consents.Add(consent);
                    db.Consents.Add(consent);
                    changed = true;
                }
                else if (consent.At <= at)
                {
                    changed |= consent.Granted != change.Granted;
                    consent.Granted = change.Granted;
                    consent.At = at;
                    consent.Source = change.Source;
                }
            }

            foreach (var tag in observation.AutoTags)
            {
                if (tagSet.Add((id, tag)))
                {
                    db.Tags.Add(new TagRow { CustomerId = id, Tag = tag, Kind = TagKinds.Auto, CreatedAt = now });
                    changed = true;
                }
            }

            if (changed)
            {
                row.UpdatedAt = now;
            }
        }
    }

    /// <summary>The first rep to take the customer on owns them if nobody does; a later rep never replaces the owner.</summary>
    private static bool ApplyOwnership(CustomerRow row, Observation observation)
    {
        var at = observation.OccurredAt.ToUnixTimeMilliseconds();
        var changed = false;
        if (observation.Rep is { Length: > 0 } rep && row.OwnerId is null)
        {
            row.OwnerId = ProfileUpdate.Bound(rep, 128);
            row.OwnerSince = at;
            changed = true;
        }

        if (observation.SalesActivity && (row.LastSalesActivityAt is null || row.LastSalesActivityAt < at))
        {
            row.LastSalesActivityAt = at;
            changed = true;
        }

        return changed;
    }
}

/// <summary>Serialises resolution in this process so two writers never race for one identity.</summary>
internal sealed class ResolutionGate() : SemaphoreSlim(1, 1);
