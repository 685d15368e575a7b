using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;

namespace Scrm.Leads.FollowUps;

/// <summary>What one sweep did.</summary>
internal sealed record SweepResult(int Reminded, int Escalated, int Pooled);

/// <summary>
/// The periodic pass over follow-ups and owned leads: due reminders land on the owner's
/// notification list, overdue ones are escalated to the team lead, and owned leads nobody
/// contacted within <see cref="LeadsOptions.PoolAfter"/> return to the shared pool. Idempotent:
/// every step marks what it did, and notifications carry dedup keys.
/// </summary>
internal sealed class LeadSweep(IDbContextFactory<LeadsDbContext> contexts, IOptionsMonitor<LeadsOptions> options, Routing.RoutingTeams teams, TimeProvider time, Routing.LeadRouting routing)
{
    public async Task<SweepResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var due = await db.FollowUps.Where(f => f.DoneAt == null && f.RemindedAt == null && f.DueAt <= now && f.Owner != null)
            .OrderBy(f => f.DueAt).Take(1_000).ToListAsync(cancellationToken);
        foreach (var followUp in due)
        {
            followUp.RemindedAt = now;
            Notifications.Add(db, followUp.Owner!, NotificationKind.Reminder, settings, followUp.LeadId, $"reminder:{followUp.Id}", now, followUp.LeadId, followUp.Note);
        }

        var overdueBefore = now - (long)settings.EscalateOverdueAfter.TotalMilliseconds;
        var overdue = await db.FollowUps.Where(f => f.DoneAt == null && f.EscalatedAt == null && f.DueAt <= overdueBefore)
            .OrderBy(f => f.DueAt).Take(1_000).ToListAsync(cancellationToken);
        var teamOf = await db.Leads.Where(l => overdue.Select(f => f.LeadId).Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Team, cancellationToken);
        foreach (var followUp in overdue)
        {
            followUp.EscalatedAt = now;
            if (teams.TeamLead(teamOf.GetValueOrDefault(followUp.LeadId)) is { } lead)
            {
                Notifications.Add(db, lead, NotificationKind.Overdue, settings, followUp.LeadId, $"overdue:{followUp.Id}", now,
                    followUp.LeadId, followUp.Owner ?? "-", followUp.Note);
            }
        }

        var poolBefore = now - (long)settings.PoolAfter.TotalMilliseconds;
        var stale = await db.Leads
            .Where(l => l.Owner != null && l.ContactAttempts == 0 && l.AssignedAt <= poolBefore
                        && (l.Stage == LeadStage.Lead || l.Stage == LeadStage.Prospect || l.Stage == LeadStage.Opportunity))
            .OrderBy(l => l.Id).Take(1_000).ToListAsync(cancellationToken);
        foreach (var lead in stale)
        {
            Notifications.Add(db, lead.Owner!, NotificationKind.Pooled, settings, lead.Id, $"pooled:{lead.Id}:{lead.Version}", now, lead.Id);
            db.Assignments.Add(new AssignmentRow
            {
                LeadId = lead.Id,
                Owner = null,
                Team = lead.Team,
                Kind = "pooled",
                By = "sweep",
                At = now,
                Reasons = JsonSerializer.Serialize(new[] { $"{lead.Owner} made no contact within {settings.PoolAfter}" }),
            });
            lead.Owner = null;
            lead.Pooled = true;
            lead.AssignedAt = null;
            lead.Version++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await routing.FinishHandoversAsync(cancellationToken);
        return new SweepResult(due.Count, overdue.Count, stale.Count);
    }
}

/// <summary>Runs the sweep on the host's scheduler; one at a time across replicas.</summary>
[DisallowConcurrentExecution]
internal sealed class LeadSweepJob(LeadSweep sweep) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sweep.RunAsync(cancellationToken);
}
