using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Leads.FollowUps;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;

namespace Scrm.Leads.Routing;

/// <summary>
/// Applies routing decisions: exactly one owner per lead, the team's sharing cursor updated in the
/// same transaction, the owner notified and a first contact planned. Concurrent routers retry on a
/// version conflict instead of both assigning.
/// </summary>
public sealed class LeadRouting(IDbContextFactory<LeadsDbContext> contexts, IOptionsMonitor<LeadsOptions> options, TimeProvider time)
{
    private const int MaxAttempts = 50;

    /// <summary>Routes an unowned open lead; for a lead that already has an owner, says who.</summary>
    public async Task<RoutingDecision> RouteAsync(long leadId, string by, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryRouteAsync(leadId, by, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 10)), cancellationToken);
            }
        }
    }

    /// <summary>Who would get this lead and why, without assigning anything.</summary>
    public async Task<RoutingDecision> SimulateAsync(RoutingLead lead, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (cursors, loads) = await StateAsync(db, cancellationToken);
        var decision = Router.Route(lead, options.CurrentValue.ToPlan(), Cursor(cursors), loads, time.GetUtcNow());
        return decision with { Cursor = null };
    }

    /// <summary>A rep takes a lead from the shared pool; only one claim of a lead succeeds.</summary>
    public async Task<bool> ClaimAsync(long leadId, string rep, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
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

    /// <summary>A departing rep's open leads all go to the successor, in one audited step.</summary>
    public async Task<int> HandOverAsync(string from, string to, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
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

        await db.FollowUps.Where(f => f.Owner == from && f.DoneAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Owner, to), cancellationToken);
        if (leads.Count > 0)
        {
            Notifications.Add(db, to, "handover", null, $"handover:{from}:{to}:{now}", $"{leads.Count} lead(s) handed over from {from}", now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return leads.Count;
    }

    private async Task<RoutingDecision> TryRouteAsync(long leadId, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken)
            ?? throw new KeyNotFoundException($"Lead {leadId} does not exist.");
        if (lead.Owner is not null || !lead.IsOpen)
        {
            return new RoutingDecision(lead.Owner, lead.Team, [lead.Owner is null ? $"the lead is {lead.Stage}" : $"already owned by {lead.Owner}"], null);
        }

        var settings = options.CurrentValue;
        var plan = settings.ToPlan();
        var existingOwner = lead.CustomerKey is null ? null : await db.Leads
            .Where(l => l.CustomerKey == lead.CustomerKey && l.Id != lead.Id && l.Owner != null)
            .OrderByDescending(l => l.Id)
            .Select(l => l.Owner)
            .FirstOrDefaultAsync(cancellationToken);
        var routingLead = new RoutingLead(lead.Province, lead.City, lead.Product, lead.Channel, lead.ValueTier, existingOwner);
        if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
        {
            // One router per team at a time across replicas: the team's cursor and loads are read
            // and written under the lock, so concurrent routers queue instead of retrying.
            var lockedTeam = plan.Rules.FirstOrDefault(r => r.Matches(routingLead))?.Team ?? plan.DefaultTeam ?? "";
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"lead-routing:" + lockedTeam}))", cancellationToken);
        }

        var (cursors, loads) = await StateAsync(db, cancellationToken);
        var now = time.GetUtcNow();
        var decision = Router.Route(routingLead, plan, Cursor(cursors), loads, now);

        var at = now.ToUnixTimeMilliseconds();
        lead.Owner = decision.Owner;
        lead.Team = decision.Team;
        lead.Pooled = decision.Owner is null;
        lead.AssignedAt = decision.Owner is null ? null : at;
        lead.Version++;
        if (decision.Cursor is { } cursor && decision.Team is { } team)
        {
            var row = cursors.GetValueOrDefault(team);
            if (row is null)
            {
                db.TeamCursors.Add(new TeamCursorRow { Team = team, LastRep = cursor.LastRep, Weights = JsonSerializer.Serialize(cursor.CurrentWeights), Version = 1 });
            }
            else
            {
                db.TeamCursors.Attach(row);
                row.LastRep = cursor.LastRep;
                row.Weights = JsonSerializer.Serialize(cursor.CurrentWeights);
                row.Version++;
            }
        }

        db.Assignments.Add(new AssignmentRow
        {
            LeadId = lead.Id,
            Owner = decision.Owner,
            Team = decision.Team,
            Kind = decision.Owner is null ? "pooled" : "routed",
            Reasons = JsonSerializer.Serialize(decision.Reasons),
            By = by,
            At = at,
        });
        if (decision.Owner is { } owner)
        {
            Notifications.Add(db, owner, "new-lead", lead.Id, $"new-lead:{lead.Id}:{lead.Version}", $"New {(lead.Hot ? "hot " : "")}lead #{lead.Id}: {lead.Name ?? lead.Company ?? lead.Channel}", at);
            var first = FollowUpPlanner.FirstContact(now, lead.Hot, settings.FirstContactSla, settings.HotFirstContactSla);
            db.FollowUps.Add(new FollowUpRow { LeadId = lead.Id, Owner = owner, DueAt = first.Due.ToUnixTimeMilliseconds(), Reason = first.Reason, Note = first.Note });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return decision;
    }

    private static async Task<(Dictionary<string, TeamCursorRow> Cursors, Dictionary<string, int> Loads)> StateAsync(LeadsDbContext db, CancellationToken cancellationToken)
    {
        var cursors = await db.TeamCursors.AsNoTracking().ToDictionaryAsync(c => c.Team, cancellationToken);
        var loads = await db.Leads
            .Where(l => l.Owner != null && (l.Stage == LeadStage.Lead || l.Stage == LeadStage.Prospect || l.Stage == LeadStage.Opportunity))
            .GroupBy(l => l.Owner!)
            .Select(g => new { Owner = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Owner, x => x.Count, cancellationToken);
        return (cursors, loads);
    }

    private static Func<string, TeamCursor> Cursor(Dictionary<string, TeamCursorRow> cursors) => team =>
        cursors.TryGetValue(team, out var row)
            ? new TeamCursor(row.LastRep, JsonSerializer.Deserialize<Dictionary<string, int>>(row.Weights) ?? [])
            : TeamCursor.Start;
}
