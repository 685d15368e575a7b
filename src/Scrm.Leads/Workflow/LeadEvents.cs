using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Effects;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Runtime;

namespace Scrm.Leads.Workflow;

/// <summary>
/// What the leads module tells the workflow engine (a lead was contacted, so its SLA wait ends)
/// and what the engine asks of it (escalate to the team lead).
/// </summary>
/// <remarks>Without the workflow engine in the host (the leads module on its own) a contact resumes nothing.</remarks>
public sealed class LeadEvents(IDbContextFactory<LeadsDbContext> contexts, IOptionsMonitor<LeadsOptions> options, Routing.RoutingTeams teams, TimeProvider time,
    WorkflowRuntime? runtime = null)
{
    public const string Contacted = "lead.contacted";

    public const string Escalation = "lead.escalate";

    public static string Correlation(long leadId) => $"lead:{leadId}";

    /// <summary>Resumes workflows waiting for this lead's contact; kept a while if none waits yet.</summary>
    public async Task ContactedAsync(long leadId, string kind, CancellationToken cancellationToken)
    {
        if (runtime is null)
        {
            return;
        }

        var correlation = Correlation(leadId);
        await runtime.DispatchAsync(
            [new Stimulus(EventStimulus.Prefix + Contacted, [correlation, ""], new JsonObject { ["leadId"] = leadId, ["kind"] = kind }, CorrelationId: correlation)],
            keepUnmatched: true, cancellationToken);
    }

    /// <summary>
    /// Notifies the team lead, as a side effect under <paramref name="key"/>: once per key, and a
    /// later call with the key answers the first one's outcome. False when the lead has no team lead to tell.
    /// </summary>
    public async Task<Effect<bool>> EscalateAsync(long leadId, string reason, string key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var effects = await EffectOutcomes.LoadAsync<bool>(db, [key], cancellationToken);
        if (effects.TryReplay(key, out var replayed))
        {
            return replayed;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        var teamLead = lead?.Team is { } team ? teams.TeamLead(team) : null;
        if (lead is not null && teamLead is not null)
        {
            lead.SlaEscalatedAt ??= now;
            lead.Version++;
            // Data from before outcomes were recorded may hold this escalation already.
            if (!await db.Notifications.AnyAsync(n => n.DedupKey == $"escalation:{key}", cancellationToken))
            {
                Notifications.Add(db, teamLead, NotificationKind.Escalation, options.CurrentValue, leadId, $"escalation:{key}", now, leadId, lead.Owner ?? "-", reason);
            }
        }

        var escalated = effects.Record(key, lead is not null && teamLead is not null, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitEffectAsync(Escalation, cancellationToken);
        return escalated;
    }
}
