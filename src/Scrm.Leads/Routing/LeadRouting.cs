using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Customers.Directory;
using Scrm.Leads.FollowUps;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Batching;
using Scrm.Platform.Effects;
using Scrm.Platform.Security;

namespace Scrm.Leads.Routing;

/// <summary>What a handover moved: the open leads and the customers the departing rep owned.</summary>
public sealed record HandoverResult(int Leads, int Customers);

/// <summary>
/// Applies routing decisions: exactly one owner per lead, the team's sharing cursor updated in the
/// same transaction, the owner notified and a first contact planned. Concurrent callers are
/// group-committed and routed one after another, so nobody races for a lead or a cursor. Routing
/// under an effect key (a workflow step) records its decision in that transaction and answers it
/// again for that key.
/// </summary>
public sealed class LeadRouting : IAsyncDisposable
{
    public const string Effect = "lead.route";

    private readonly IDbContextFactory<LeadsDbContext> _contexts;
    private readonly IOptionsMonitor<LeadsOptions> _options;
    private readonly TimeProvider _time;
    private readonly RoutingTeams _teams;
    private readonly GroupCommit<(long LeadId, string By, string? Key), Effect<RoutingDecision>?> _writer;
    private readonly CustomerDirectory? _customers;
    private readonly AuditOutbox _audit;

    /// <param name="customers">The customer model, when the host has it: customers follow their owner's leads on handover.</param>
    public LeadRouting(IDbContextFactory<LeadsDbContext> contexts, IOptionsMonitor<LeadsOptions> options, RoutingTeams teams, AuditOutbox audit, TimeProvider time, ILogger<LeadRouting> log,
        CustomerDirectory? customers = null)
    {
        _audit = audit;
        _teams = teams;
        _contexts = contexts;
        _options = options;
        _time = time;
        _customers = customers;
        _writer = new GroupCommit<(long, string, string?), Effect<RoutingDecision>?>(RouteBatchAsync, 500, log);
    }

    /// <summary>Routes an unowned open lead; for a lead that already has an owner, says who.</summary>
    public async Task<RoutingDecision> RouteAsync(long leadId, string by, CancellationToken cancellationToken) =>
        (await RouteAsync(leadId, by, null, cancellationToken)).Outcome;

    /// <summary>Routing as a side effect under <paramref name="effectKey"/>: the first call's decision is answered to every later one.</summary>
    public async Task<Effect<RoutingDecision>> RouteAsync(long leadId, string by, string? effectKey, CancellationToken cancellationToken) =>
        await _writer.SubmitAsync((leadId, by, effectKey), cancellationToken) ?? throw new KeyNotFoundException($"Lead {leadId} does not exist.");

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>Who would get this lead and why, without assigning anything.</summary>
    public async Task<RoutingDecision> SimulateAsync(RoutingLead lead, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var (cursors, loads) = await StateAsync(db, cancellationToken);
        var decision = Router.Route(lead, _teams.Plan(), Cursor(cursors), loads, _time.GetUtcNow());
        return decision with { Cursor = null };
    }

    /// <summary>A rep takes a lead from the shared pool; only one claim of a lead succeeds.</summary>
    public async Task<bool> ClaimAsync(long leadId, string rep, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var claimed = await db.Leads
            .Where(l => l.Id == leadId && l.Owner == null && l.Pooled
                        && (l.Stage == LeadStage.Lead || l.Stage == LeadStage.Prospect || l.Stage == LeadStage.Opportunity))
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.Owner, rep)
                .SetProperty(l => l.Pooled, false)
                .SetProperty(l => l.AssignedAt, now)
                .SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }

        db.Assignments.Add(new AssignmentRow { LeadId = leadId, Owner = rep, Kind = "claimed", Reasons = "[\"claimed from the shared pool\"]", By = rep, At = now });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// A departing rep's open leads all go to a known successor, in one transaction that also records
    /// the handover and its audit entry (<c>lead.handover</c>); the customers the rep owned follow right after (the customer
    /// model keeps its own store), and a handover whose customers did not move yet is finished by
    /// <see cref="FinishHandoversAsync"/>. Null when <paramref name="to"/> is nobody who can own
    /// leads (<see cref="RoutingTeams.IsKnownRep"/>).
    /// </summary>
    public async Task<HandoverResult?> HandOverAsync(string from, string to, string by, CancellationToken cancellationToken) =>
        _teams.IsKnownRep(to) ? await MoveAsync(from, to, by, customersFollow: true, cancellationToken) : null;

    /// <summary>The handover itself, for a successor already checked (a person's deactivation names an active user).</summary>
    /// <param name="customersFollow">False when the customer model hands the customers over itself (a person's deactivation).</param>
    internal async Task<HandoverResult> MoveAsync(string from, string to, string by, bool customersFollow, CancellationToken cancellationToken)
    {
        var settings = _options.CurrentValue;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var leads = await db.Leads
            .Where(l => l.Owner == from && (l.Stage == LeadStage.Lead || l.Stage == LeadStage.Prospect || l.Stage == LeadStage.Opportunity))
            .ToListAsync(cancellationToken);
        foreach (var lead in leads)
        {
            lead.Owner = to;
            lead.AssignedAt = now;
            lead.Version++;
            db.Assignments.Add(new AssignmentRow
            {
                LeadId = lead.Id,
                Owner = to,
                Team = lead.Team,
                Kind = "handover",
                By = by,
                At = now,
                Reasons = JsonSerializer.Serialize(new[] { $"{from} handed over to {to}" }),
            });
        }

        var followUps = await db.FollowUps.Where(f => f.Owner == from && f.DoneAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Owner, to), cancellationToken);
        if (leads.Count == 0 && followUps == 0 && !customersFollow)
        {
            // A deactivation's later pass that finds nothing left leaves no empty handover behind.
            return new HandoverResult(0, 0);
        }

        if (leads.Count > 0)
        {
            Notifications.Add(db, to, NotificationKind.Handover, settings, null, $"handover:{from}:{to}:{now}", now, leads.Count, from);
        }

        var handover = new HandoverRow { From = from, To = to, By = by, At = now, CustomersMovedAt = _customers is null || !customersFollow ? now : null };
        db.Handovers.Add(handover);
        await db.SaveChangesAsync(cancellationToken);
        await _audit.AddAsync(db.Database, new AuditEvent(by, "lead.handover", DataResources.Leads, null, JsonSerializer.Serialize(
            new Dictionary<string, object> { ["from"] = from, ["to"] = to, ["leads"] = leads.Count })), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await _audit.DeliverAsync(CancellationToken.None);
        return new HandoverResult(leads.Count, await MoveCustomersAsync(db, handover, cancellationToken));
    }

    /// <summary>Moves the customers of every handover whose customers have not followed yet (after a crash in between).</summary>
    public async Task<int> FinishHandoversAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var moved = 0;
        foreach (var handover in await db.Handovers.Where(h => h.CustomersMovedAt == null).OrderBy(h => h.Id).Take(100).ToListAsync(cancellationToken))
        {
            moved += await MoveCustomersAsync(db, handover, cancellationToken);
        }

        return moved;
    }

    private async Task<int> MoveCustomersAsync(LeadsDbContext db, HandoverRow handover, CancellationToken cancellationToken)
    {
        if (_customers is null || handover.CustomersMovedAt is not null)
        {
            return 0;
        }

        var moved = await _customers.HandOverAsync(handover.From, handover.To, handover.By, cancellationToken);
        handover.CustomersMovedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
        return moved;
    }

    /// <summary>
    /// Routes a batch in one transaction, one lead after another against the same in-memory team
    /// cursors and loads, so concurrent callers share a commit and never race for a cursor.
    /// </summary>
    private async Task<IReadOnlyList<Effect<RoutingDecision>?>> RouteBatchAsync(IReadOnlyList<(long LeadId, string By, string? Key)> requests, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
        {
            // One router at a time across replicas: cursors and loads are read and written under the lock.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('lead-routing'))", cancellationToken);
        }

        var effects = await EffectOutcomes.LoadAsync<RoutingDecision>(db, requests.Select(r => r.Key), cancellationToken);
        var ids = requests.Select(r => r.LeadId).Distinct().ToList();
        var leads = await db.Leads.Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
        var customerKeys = leads.Values.Where(l => l.CustomerKey is not null).Select(l => l.CustomerKey!).Distinct().ToList();
        var owners = (await db.Leads.AsNoTracking()
                .Where(l => customerKeys.Contains(l.CustomerKey!) && l.Owner != null)
                .Select(l => new { l.Id, l.CustomerKey, l.Owner })
                .ToListAsync(cancellationToken))
            .GroupBy(l => l.CustomerKey!).ToDictionary(g => g.Key, g => g.MaxBy(l => l.Id)!.Owner!, StringComparer.Ordinal);
        var (cursorRows, loads) = await StateAsync(db, cancellationToken);
        var cursors = Cursor(cursorRows);
        var current = new Dictionary<string, TeamCursor>(StringComparer.Ordinal);
        var settings = _options.CurrentValue;
        var plan = _teams.Plan();
        var now = _time.GetUtcNow();
        var at = now.ToUnixTimeMilliseconds();
        var decisions = new Effect<RoutingDecision>?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            if (effects.TryReplay(requests[i].Key, out var replayed))
            {
                decisions[i] = replayed;
                continue;
            }

            if (!leads.TryGetValue(requests[i].LeadId, out var lead))
            {
                continue;
            }

            if (lead.Owner is not null || !lead.IsOpen)
            {
                decisions[i] = effects.Record(requests[i].Key,
                    new RoutingDecision(lead.Owner, lead.Team, [lead.Owner is null ? $"the lead is {lead.Stage}" : $"already owned by {lead.Owner}"], null), at);
                continue;
            }

            var existingOwner = (lead.CustomerKey is null ? null : owners.GetValueOrDefault(lead.CustomerKey)) ?? lead.CustomerOwner;
            var decision = Router.Route(
                new RoutingLead(lead.Province, lead.City, lead.Product, lead.Channel, lead.ValueTier, existingOwner, lead.RequestedOwner),
                plan, team => current.TryGetValue(team, out var c) ? c : cursors(team), loads, now);
            decisions[i] = effects.Record(requests[i].Key, decision with { Cursor = null }, at);
            lead.Owner = decision.Owner;
            lead.Team = decision.Team;
            lead.Pooled = decision.Owner is null;
            lead.AssignedAt = decision.Owner is null ? null : at;
            lead.Version++;
            if (decision.Cursor is { } cursor && decision.Team is { } team)
            {
                current[team] = cursor;
            }

            db.Assignments.Add(new AssignmentRow
            {
                LeadId = lead.Id,
                Owner = decision.Owner,
                Team = decision.Team,
                Kind = decision.Owner is null ? "pooled" : "routed",
                Reasons = JsonSerializer.Serialize(decision.Reasons),
                By = requests[i].By,
                At = at,
            });
            if (decision.Owner is null && decision.AtCapacity.Count > 0 && _teams.TeamLead(decision.Team) is { } teamLead)
            {
                Notifications.Add(db, teamLead, NotificationKind.AtCapacity, settings, lead.Id, $"capacity:{lead.Id}:{lead.Version}", at,
                    lead.Id, decision.Team, string.Join(settings.Language == Scrm.Platform.Text.Languages.English ? ", " : "、", decision.AtCapacity));
            }

            if (decision.Owner is { } owner)
            {
                loads[owner] = loads.GetValueOrDefault(owner) + 1;
                if (lead.CustomerKey is { } key)
                {
                    owners[key] = owner;
                }

                Notifications.Add(db, owner, NotificationKind.NewLead, settings, lead.Id, $"new-lead:{lead.Id}:{lead.Version}", at,
                    lead.Id, lead.Hot ? LeadTexts.Hot.In(settings.Language) : "", lead.Name ?? lead.Company ?? lead.Channel);
                var first = FollowUpPlanner.FirstContact(now, lead.Hot, settings.FirstContactSla, settings.HotFirstContactSla);
                db.FollowUps.Add(new FollowUpRow { LeadId = lead.Id, Owner = owner, DueAt = first.Due.ToUnixTimeMilliseconds(), Reason = first.Reason, Note = first.Note });
            }
        }

        foreach (var (team, cursor) in current)
        {
            var weights = JsonSerializer.Serialize(cursor.CurrentWeights);
            if (cursorRows.TryGetValue(team, out var row))
            {
                db.TeamCursors.Attach(row);
                row.LastRep = cursor.LastRep;
                row.Weights = weights;
                row.Version++;
            }
            else
            {
                db.TeamCursors.Add(new TeamCursorRow { Team = team, LastRep = cursor.LastRep, Weights = weights, Version = 1 });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitEffectAsync(Effect, cancellationToken);
        return decisions;
    }

    private static async Task<(Dictionary<string, TeamCursorRow> Cursors, Dictionary<string, int> Loads)> StateAsync(LeadsDbContext db, CancellationToken cancellationToken)
    {
        var cursors = await db.TeamCursors.AsNoTracking().ToDictionaryAsync(c => c.Team, cancellationToken);
        var loads = await db.RepLoads.AsNoTracking().Where(r => r.OpenLeads > 0).ToDictionaryAsync(r => r.Owner, r => r.OpenLeads, cancellationToken);
        return (cursors, loads);
    }

    private static Func<string, TeamCursor> Cursor(Dictionary<string, TeamCursorRow> cursors) => team =>
        cursors.TryGetValue(team, out var row)
            ? new TeamCursor(row.LastRep, JsonSerializer.Deserialize<Dictionary<string, int>>(row.Weights) ?? [])
            : TeamCursor.Start;
}
