using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Leads.Funnel;
using Scrm.Leads.Storage;
using Scrm.Platform.Security;

namespace Scrm.Leads.Api;

public sealed record LeadSummary(long Id, LeadStage Stage, string? Owner, string? Team, bool Pooled, bool Hot, int Score,
    string? Name, string? Company, string Channel, DateTimeOffset CreatedAt, DateTimeOffset? NextFollowUp);

public sealed record LeadPage(IReadOnlyList<LeadSummary> Items, long? Next);

public sealed record LeadDetail(
    long Id, LeadStage Stage, LeadStage FurthestStage, string? Owner, string? Team, bool Pooled, bool Hot, int Score, string? ScoreBreakdown,
    string? CustomerKey, string? Name, string? Phone, string? Email, string? Company, string? Title, string? Message, string? Need, decimal? Amount,
    DateOnly? ExpectedClose, decimal PaidAmount, string? ClosedReason, int ContactAttempts, string? Province, string? City, string? Product, LeadSource Source,
    IReadOnlyList<StageChange> StageChanges, IReadOnlyList<Assignment> Assignments, IReadOnlyList<FollowUp> FollowUps, IReadOnlyList<OnboardingTask> OnboardingTasks,
    IReadOnlyList<LeadChange> Changes);

/// <summary>A change a person made to the lead (need, amount, contact, payment) and who made it.</summary>
public sealed record LeadChange(string Kind, string By, JsonElement Detail, DateTimeOffset At);

/// <summary>Where the lead came from, first and last touch included.</summary>
public sealed record LeadSource(string Channel, string? Account, string? Campaign, string? UtmSource, string? UtmMedium, string? UtmCampaign,
    string? Attribution, DateTimeOffset FirstTouch, DateTimeOffset LastTouch, int Touches);

public sealed record StageChange(LeadStage From, LeadStage To, string By, string? Why, DateTimeOffset At);

public sealed record Assignment(string? Owner, string? Team, string Kind, IReadOnlyList<string> Reasons, string By, DateTimeOffset At);

public sealed record FollowUp(long Id, DateTimeOffset Due, string Reason, string Note, string? Owner, string? Kind, string? Outcome, DateTimeOffset? Done);

public sealed record OnboardingTask(string Title, string? SalesOwner, DateTimeOffset Due, bool Done);

public sealed record Notification(long Id, string Kind, long? LeadId, string Text, DateTimeOffset At);

/// <summary>Read models for the sales workbench.</summary>
public sealed class LeadQueries(IDbContextFactory<LeadsDbContext> contexts)
{
    /// <summary>The queue, within <paramref name="scope"/> (whose leads the caller sees; null for all).</summary>
    public async Task<LeadPage> QueueAsync(string? owner, LeadStage? stage, bool? hot, bool? pooled, long? after, int size, CancellationToken cancellationToken, OwnerScope? scope = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<LeadRow> query = db.Leads.AsNoTracking();
        if (owner is not null)
        {
            query = query.Where(l => l.Owner == owner);
        }

        if (stage is { } s)
        {
            query = query.Where(l => l.Stage == s);
        }

        if (hot is { } h)
        {
            query = query.Where(l => l.Hot == h);
        }

        if (pooled is { } p)
        {
            query = query.Where(l => l.Pooled == p);
        }

        if (after is { } a)
        {
            query = query.Where(l => l.Id < a);
        }

        if (scope?.Owners is { } owners)
        {
            // A wide scope (a manager's) is most of the table: reading the newest rows finds a page soon.
            query = owners.Count <= MaxOwnerParameters ? InScopeNewest(db, query, owners, size + 1) : scope.Apply(query, l => l.Owner);
        }

        var rows = await query.OrderByDescending(l => l.Id).Take(size + 1)
            .Select(l => new
            {
                Lead = l,
                Next = db.FollowUps.Where(f => f.LeadId == l.Id && f.DoneAt == null).Min(f => (long?)f.DueAt),
            })
            .ToListAsync(cancellationToken);
        var items = rows.Take(size).Select(r => new LeadSummary(r.Lead.Id, r.Lead.Stage, r.Lead.Owner, r.Lead.Team, r.Lead.Pooled, r.Lead.Hot,
            r.Lead.Score, r.Lead.Name, r.Lead.Company, r.Lead.Channel, Time(r.Lead.CreatedAt), r.Next is { } n ? Time(n) : null)).ToList();
        return new LeadPage(items, rows.Count > size ? items[^1].Id : null);
    }

    /// <summary>
    /// The newest <paramref name="take"/> leads of <paramref name="query"/> that the scope's owners
    /// own or nobody owns. The ids are read from the (owner, id) index alone, owner by owner, and
    /// only the page's rows are read: filtering the newest rows one by one instead reads a whole
    /// table's worth for a rep who owns few of them, and <c>owner IS NULL OR owner IN (...)</c> lets
    /// SQLite without statistics sort every row of every owner in scope. The owners travel as
    /// separate parameters so that each one is an index lookup (SQLite scans for a JSON list).
    /// </summary>
    private static IQueryable<LeadRow> InScopeNewest(LeadsDbContext db, IQueryable<LeadRow> query, IReadOnlySet<string> owners, int take)
    {
        // A rep's own scope is one owner: an equality keeps the statement the same on every call, so EF
        // reuses its SQL instead of writing it again for the parameter list (most lead-queue reads are a rep's).
        var list = owners.ToList();
        var only = list.Count == 1 ? list[0] : null;
        var owned = only is not null ? query.Where(l => l.Owner == only) : query.Where(l => EF.MultipleParameters(list).Contains(l.Owner!));
        var ids = owned.Select(l => l.Id)
            .Concat(query.Where(l => l.Owner == null).Select(l => l.Id))
            .OrderByDescending(id => id).Take(take);
        return db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id));
    }

    /// <summary>Up to this many owners each is its own parameter (SQLite finds parameters by name, one by one).</summary>
    private const int MaxOwnerParameters = 128;

    /// <summary>A lead in <paramref name="scope"/>, its protected fields masked when <paramref name="masked"/>; null when missing or out of scope.</summary>
    public async Task<LeadDetail?> DetailAsync(long id, CancellationToken cancellationToken, OwnerScope? scope = null, bool masked = false)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var l = await (scope ?? OwnerScope.All).Apply(db.Leads.AsNoTracking(), x => x.Owner).SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (l is null)
        {
            return null;
        }

        var changes = await db.StageChanges.AsNoTracking().Where(x => x.LeadId == id).OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var assignments = await db.Assignments.AsNoTracking().Where(x => x.LeadId == id).OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var followUps = await db.FollowUps.AsNoTracking().Where(x => x.LeadId == id).OrderBy(x => x.DueAt).ToListAsync(cancellationToken);
        var tasks = await db.OnboardingTasks.AsNoTracking().Where(x => x.LeadId == id).OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var edits = await db.Changes.AsNoTracking().Where(x => x.LeadId == id).OrderBy(x => x.Id).ToListAsync(cancellationToken);
        return new LeadDetail(l.Id, l.Stage, l.FurthestStage, l.Owner, l.Team, l.Pooled, l.Hot, l.Score, l.ScoreBreakdown, masked ? Masking.Text(l.CustomerKey) : l.CustomerKey,
            l.Name, masked ? Masking.Phone(l.Phone) : l.Phone, masked ? Masking.Email(l.Email) : l.Email, l.Company, l.Title, masked ? Masking.Text(l.Message) : l.Message, l.Need,
            masked ? null : l.Amount, l.ExpectedClose, masked ? 0 : l.PaidAmount, l.ClosedReason, l.ContactAttempts,
            l.Province, l.City, l.Product,
            new LeadSource(l.Channel, l.Account, l.Campaign, l.UtmSource, l.UtmMedium, l.UtmCampaign, l.Attribution, Time(l.FirstTouchAt), Time(l.LastTouchAt), l.Touches),
            changes.ConvertAll(c => new StageChange(c.From, c.To, c.By, c.Why, Time(c.At))),
            assignments.ConvertAll(a => new Assignment(a.Owner, a.Team, a.Kind, JsonSerializer.Deserialize<string[]>(a.Reasons) ?? [], a.By, Time(a.At))),
            followUps.ConvertAll(f => new FollowUp(f.Id, Time(f.DueAt), JsonNamingPolicy.CamelCase.ConvertName(f.Reason.ToString()), f.Note, f.Owner, f.Kind, masked ? Masking.Text(f.Outcome) : f.Outcome, f.DoneAt is { } d ? Time(d) : null)),
            tasks.ConvertAll(t => new OnboardingTask(t.Title, t.SalesOwner, Time(t.DueAt), t.DoneAt is not null)),
            // A change's detail holds amounts and free text: a masked caller sees who changed what kind of thing, and when.
            edits.ConvertAll(c => new LeadChange(c.Kind, c.By, masked ? NoDetail : JsonSerializer.Deserialize<JsonElement>(c.Detail), Time(c.At))));
    }

    public async Task<IReadOnlyList<Notification>> NotificationsAsync(string recipient, long after, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.AsNoTracking()
            .Where(n => n.Recipient == recipient && n.Id > after)
            .OrderBy(n => n.Id).Take(200)
            .Select(n => new Notification(n.Id, n.Kind, n.LeadId, n.Text, DateTimeOffset.FromUnixTimeMilliseconds(n.CreatedAt)))
            .ToListAsync(cancellationToken);
    }

    private static readonly JsonElement NoDetail = JsonDocument.Parse("{}").RootElement;

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
