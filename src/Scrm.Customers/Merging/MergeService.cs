using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Customers.Value;
using Scrm.Customers.View;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;

namespace Scrm.Customers.Merging;

/// <summary>A row a merge moved from one customer to another.</summary>
internal sealed record Move(string Table, string Id, Guid From, Guid To);

internal sealed record MergeBefore(CustomerSnapshot Survivor, CustomerSnapshot Merged);

/// <summary>What a merge would move, and the survivor it would leave.</summary>
internal sealed record MergePreview(
    Guid SurvivorId,
    Guid MergedId,
    int Identities,
    int TimelineEvents,
    int Orders,
    int Tags,
    int Consents,
    int Contacts,
    OwnerDecision Owner,
    IReadOnlyList<string> Warnings,
    IReadOnlyDictionary<string, FieldChange> ProfileChanges);

internal sealed record FieldChange(string? Before, string? After);

internal sealed record MergeResult(Guid MergeId, MergePreview Preview);

/// <summary>A merge cannot be done or undone as asked.</summary>
internal sealed class MergeRefusedException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// Merges and unmerges. A merge records the state of both customers before, the survivor after,
/// and every row it moved; unmerge moves exactly those rows back and restores both customers.
/// </summary>
internal sealed class MergeService(CustomersDbContext db, ValueScorer scorer, ResolutionGate gate, AuditOutbox audit, TimeProvider time)
{
    public async Task<MergePreview> PreviewAsync(Guid survivorId, Guid mergedId, CancellationToken cancellationToken)
    {
        var (survivor, merged) = await LoadPairAsync(survivorId, mergedId, cancellationToken);
        var plan = MergePlanner.Plan(await SideAsync(survivor, cancellationToken), await SideAsync(merged, cancellationToken), Now);
        return await PreviewOfAsync(survivor, merged, plan, cancellationToken);
    }

    public async Task<MergeResult> MergeAsync(Guid survivorId, Guid mergedId, string actor, string reason, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await MergeInTransactionAsync(survivorId, mergedId, actor, reason, cancellationToken);
            await scorer.RescoreAsync([survivorId], cancellationToken);
            await audit.AddAsync(db.Database, new AuditEvent(actor, AuditActions.Merge, DataResources.Customers, survivorId.ToString(),
                JsonSerializer.Serialize(new Dictionary<string, string> { ["merged"] = mergedId.ToString(), ["mergeId"] = result.MergeId.ToString(), ["reason"] = reason },
                    CustomersJson.Default.DictionaryStringString)), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await audit.DeliverAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            db.ChangeTracker.Clear();
            gate.Release();
        }
    }

    /// <summary>Merges inside the caller's transaction (resolution uses it for merges its rules proved).</summary>
    public async Task<MergeResult> MergeInTransactionAsync(Guid survivorId, Guid mergedId, string actor, string reason, CancellationToken cancellationToken)
    {
        var now = Now;
        var (survivor, merged) = await LoadPairAsync(survivorId, mergedId, cancellationToken);
        var survivorSide = await SideAsync(survivor, cancellationToken);
        var mergedSide = await SideAsync(merged, cancellationToken);
        var plan = MergePlanner.Plan(survivorSide, mergedSide, now);
        var preview = await PreviewOfAsync(survivor, merged, plan, cancellationToken);
        var before = new MergeBefore(survivorSide.Customer, mergedSide.Customer);

        var moves = new List<Move>();
        async Task MoveAllAsync<TRow>(string table, IQueryable<TRow> rows, Func<TRow, string> id, Func<IQueryable<TRow>, Task> update)
            where TRow : class
        {
            var list = await rows.AsNoTracking().ToListAsync(cancellationToken);
            moves.AddRange(list.Select(r => new Move(table, id(r), mergedId, survivorId)));
            await update(rows);
        }

        await MoveAllAsync("identities", db.Identities.Where(i => i.CustomerId == mergedId), r => Id(r.Id),
            q => q.ExecuteUpdateAsync(s => s.SetProperty(i => i.CustomerId, survivorId), cancellationToken));
        await MoveAllAsync("timeline", db.Timeline.Where(t => t.CustomerId == mergedId), r => Id(r.Id),
            q => q.ExecuteUpdateAsync(s => s.SetProperty(t => t.CustomerId, survivorId), cancellationToken));
        await MoveAllAsync("orders", db.Orders.Where(o => o.CustomerId == mergedId), r => r.OrderId,
            q => q.ExecuteUpdateAsync(s => s.SetProperty(o => o.CustomerId, survivorId), cancellationToken));
        await MoveAllAsync("contacts.company", db.Contacts.Where(c => c.CompanyId == mergedId), r => Id(r.Id),
            q => q.ExecuteUpdateAsync(s => s.SetProperty(c => c.CompanyId, survivorId), cancellationToken));
        await MoveAllAsync("contacts.person", db.Contacts.Where(c => c.PersonId == mergedId), r => Id(r.Id),
            q => q.ExecuteUpdateAsync(s => s.SetProperty(c => c.PersonId, survivorId), cancellationToken));
        if (plan.TagsToSurvivor.Count > 0)
        {
            var tags = plan.TagsToSurvivor.ToList();
            moves.AddRange(tags.Select(t => new Move("tags", Id(t), mergedId, survivorId)));
            await db.Tags.Where(t => tags.Contains(t.Id)).ExecuteUpdateAsync(s => s.SetProperty(t => t.CustomerId, survivorId), cancellationToken);
        }

        if (plan.ConsentsToSurvivor.Count > 0 || plan.ConsentsToMerged.Count > 0)
        {
            var up = plan.ConsentsToSurvivor.ToList();
            var down = plan.ConsentsToMerged.ToList();
            moves.AddRange(up.Select(c => new Move("consents", Id(c), mergedId, survivorId)));
            moves.AddRange(down.Select(c => new Move("consents", Id(c), survivorId, mergedId)));
            await db.Consents.Where(c => up.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomerId, survivorId), cancellationToken);
            await db.Consents.Where(c => down.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomerId, mergedId), cancellationToken);
        }

        plan.SurvivorAfter.ApplyTo(survivor);
        merged.Status = CustomerStatus.Merged;
        merged.MergedInto = survivorId;
        merged.OwnerId = null;
        merged.OwnerSince = null;
        merged.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await scorer.RefreshAggregatesAsync([survivorId, mergedId], cancellationToken);

        var record = new MergeRow
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            SurvivorId = survivorId,
            MergedId = mergedId,
            Actor = actor,
            Reason = ProfileUpdate.Bound(reason, 500),
            At = now,
            Before = JsonSerializer.Serialize(before, CustomersJson.Default.MergeBefore),
            After = JsonSerializer.Serialize(CustomerSnapshot.Of(survivor), CustomersJson.Default.CustomerSnapshot),
            Moves = JsonSerializer.Serialize(moves, CustomersJson.Default.ListMove),
            OwnerConflict = plan.Owner.DroppedOwner is null ? null : JsonSerializer.Serialize(plan.Owner, CustomersJson.Default.OwnerDecision),
        };
        db.Merges.Add(record);
        var detail = JsonSerializer.Serialize(new AuditMerge(record.Id, survivorId, mergedId, record.Reason, plan.Warnings), CustomersJson.Default.AuditMerge);
        db.Audit.Add(new AuditRow { CustomerId = survivorId, At = now, Actor = actor, Action = "merge", Detail = detail });
        db.Audit.Add(new AuditRow { CustomerId = mergedId, At = now, Actor = actor, Action = "merge", Detail = detail });
        await db.SaveChangesAsync(cancellationToken);
        return new MergeResult(record.Id, preview);
    }

    /// <summary>Undoes the latest merge of <paramref name="mergedId"/> into another customer.</summary>
    public async Task<Guid> UnmergeAsync(Guid mergedId, string actor, string reason, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var record = await db.Merges.Where(m => m.MergedId == mergedId && m.UndoneAt == null)
                .OrderByDescending(m => m.At).FirstOrDefaultAsync(cancellationToken)
                ?? throw new MergeRefusedException("This customer was not merged into another (or the merge was undone).", notFound: true);
            var survivor = await db.Customers.SingleAsync(c => c.Id == record.SurvivorId, cancellationToken);
            var merged = await db.Customers.SingleAsync(c => c.Id == mergedId, cancellationToken);
            if (survivor.Status != CustomerStatus.Active)
            {
                throw new MergeRefusedException($"The customer it was merged into was itself merged into {survivor.MergedInto}; undo that merge first.");
            }

            var moves = JsonSerializer.Deserialize(record.Moves, CustomersJson.Default.ListMove) ?? [];
            foreach (var group in moves.GroupBy(m => (m.Table, m.From, m.To)))
            {
                var (table, from, to) = group.Key;
                var ids = group.Select(m => m.Id).ToList();
                var longs = table == "orders" ? [] : ids.Select(long.Parse).ToList();
                _ = table switch
                {
                    "identities" => await db.Identities.Where(r => longs.Contains(r.Id) && r.CustomerId == to).ExecuteUpdateAsync(s => s.SetProperty(r => r.CustomerId, from), cancellationToken),
                    "timeline" => await db.Timeline.Where(r => longs.Contains(r.Id) && r.CustomerId == to).ExecuteUpdateAsync(s => s.SetProperty(r => r.CustomerId, from), cancellationToken),
                    "orders" => await db.Orders.Where(r => ids.Contains(r.OrderId) && r.CustomerId == to).ExecuteUpdateAsync(s => s.SetProperty(r => r.CustomerId, from), cancellationToken),
                    "contacts.company" => await db.Contacts.Where(r => longs.Contains(r.Id) && r.CompanyId == to).ExecuteUpdateAsync(s => s.SetProperty(r => r.CompanyId, from), cancellationToken),
                    "contacts.person" => await db.Contacts.Where(r => longs.Contains(r.Id) && r.PersonId == to).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, from), cancellationToken),
                    "tags" => await db.Tags.Where(r => longs.Contains(r.Id) && r.CustomerId == to).ExecuteUpdateAsync(s => s.SetProperty(r => r.CustomerId, from), cancellationToken),
                    "consents" => await db.Consents.Where(r => longs.Contains(r.Id) && r.CustomerId == to).ExecuteUpdateAsync(s => s.SetProperty(r => r.CustomerId, from), cancellationToken),
                    _ => 0,
                };
            }

            var before = JsonSerializer.Deserialize(record.Before, CustomersJson.Default.MergeBefore)!;
            var after = JsonSerializer.Deserialize(record.After, CustomersJson.Default.CustomerSnapshot)!;
            before.Merged.ApplyTo(merged);
            // The survivor goes back to its state before the merge unless someone changed it since;
            // then the later change is kept and only the ownership rule is undone.
            if (CustomerSnapshot.Of(survivor) with { UpdatedAt = 0, ScoredAt = null, Score = null, Tier = null, RScore = 0, FScore = 0, MScore = 0, ScoreDetail = null }
                == after with { UpdatedAt = 0, ScoredAt = null, Score = null, Tier = null, RScore = 0, FScore = 0, MScore = 0, ScoreDetail = null })
            {
                before.Survivor.ApplyTo(survivor);
            }
            else
            {
                survivor.OwnerId = before.Survivor.OwnerId;
                survivor.OwnerSince = before.Survivor.OwnerSince;
            }

            var now = Now;
            record.UndoneAt = now;
            record.UndoneBy = actor;
            var detail = JsonSerializer.Serialize(new AuditMerge(record.Id, record.SurvivorId, mergedId, ProfileUpdate.Bound(reason, 500), []), CustomersJson.Default.AuditMerge);
            db.Audit.Add(new AuditRow { CustomerId = record.SurvivorId, At = now, Actor = actor, Action = "unmerge", Detail = detail });
            db.Audit.Add(new AuditRow { CustomerId = mergedId, At = now, Actor = actor, Action = "unmerge", Detail = detail });
            await db.SaveChangesAsync(cancellationToken);
            await scorer.RefreshAggregatesAsync([record.SurvivorId, mergedId], cancellationToken);
            await audit.AddAsync(db.Database, new AuditEvent(actor, AuditActions.Unmerge, DataResources.Customers, mergedId.ToString(),
                JsonSerializer.Serialize(new Dictionary<string, string> { ["mergeId"] = record.Id.ToString(), ["reason"] = reason }, CustomersJson.Default.DictionaryStringString)),
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await audit.DeliverAsync(CancellationToken.None);
            return record.Id;
        }
        finally
        {
            db.ChangeTracker.Clear();
            gate.Release();
        }
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(CustomerRow Survivor, CustomerRow Merged)> LoadPairAsync(Guid survivorId, Guid mergedId, CancellationToken cancellationToken)
    {
        if (survivorId == mergedId)
        {
            throw new MergeRefusedException("A customer cannot be merged into itself.");
        }

        var survivor = await db.Customers.FindAsync([survivorId], cancellationToken)
            ?? throw new MergeRefusedException($"Customer {survivorId} does not exist.", notFound: true);
        var merged = await db.Customers.FindAsync([mergedId], cancellationToken)
            ?? throw new MergeRefusedException($"Customer {mergedId} does not exist.", notFound: true);
        if (survivor.Status != CustomerStatus.Active || merged.Status != CustomerStatus.Active)
        {
            throw new MergeRefusedException("Both customers must be active (not already merged).");
        }

        return (survivor, merged);
    }

    private async Task<MergeSide> SideAsync(CustomerRow customer, CancellationToken cancellationToken)
    {
        var id = customer.Id;
        var tags = await db.Tags.AsNoTracking().Where(t => t.CustomerId == id).Select(t => new TagRef(t.Id, t.Tag)).ToListAsync(cancellationToken);
        var consents = await db.Consents.AsNoTracking().Where(c => c.CustomerId == id).Select(c => new ConsentRef(c.Id, c.Channel, c.At)).ToListAsync(cancellationToken);
        var identities = await db.Identities.AsNoTracking().Where(i => i.CustomerId == id)
            .Select(i => new IdentityKey(i.Type, i.Account, i.Value)).ToListAsync(cancellationToken);
        return new MergeSide(CustomerSnapshot.Of(customer), tags, consents, identities);
    }

    private async Task<MergePreview> PreviewOfAsync(CustomerRow survivor, CustomerRow merged, MergePlan plan, CancellationToken cancellationToken)
    {
        var id = merged.Id;
        var changes = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        void Diff(string field, string? before, string? after)
        {
            if (before != after)
            {
                changes[field] = new FieldChange(before, after);
            }
        }

        var a = plan.SurvivorAfter;
        Diff("name", survivor.Name, a.Name);
        Diff("nickname", survivor.Nickname, a.Nickname);
        Diff("company", survivor.Company, a.Company);
        Diff("title", survivor.Title, a.Title);
        Diff("province", survivor.Province, a.Province);
        Diff("city", survivor.City, a.City);
        Diff("source", survivor.Source, a.Source);
        Diff("industry", survivor.Industry, a.Industry);
        Diff("phone", survivor.Phone, a.Phone);
        Diff("email", survivor.Email, a.Email);
        Diff("customFields", survivor.CustomFields, a.CustomFields);
        Diff("owner", survivor.OwnerId, a.OwnerId);
        return new MergePreview(
            survivor.Id,
            merged.Id,
            await db.Identities.CountAsync(i => i.CustomerId == id, cancellationToken),
            await db.Timeline.CountAsync(t => t.CustomerId == id, cancellationToken),
            await db.Orders.CountAsync(o => o.CustomerId == id, cancellationToken),
            plan.TagsToSurvivor.Count,
            plan.ConsentsToSurvivor.Count,
            await db.Contacts.CountAsync(c => c.CompanyId == id || c.PersonId == id, cancellationToken),
            plan.Owner,
            plan.Warnings,
            changes);
    }
}

internal sealed record AuditMerge(Guid MergeId, Guid SurvivorId, Guid MergedId, string Reason, IReadOnlyList<string> Warnings);
