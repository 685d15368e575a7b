using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Faults;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Runtime;

namespace Scrm.Leads.Workflow;

/// <summary>
/// What the leads module tells the workflow engine (a lead was contacted, so its SLA wait ends)
/// and what the engine asks of it (escalate to the team lead).
/// </summary>
public sealed class LeadEvents(IServiceProvider services, IDbContextFactory<LeadsDbContext> contexts, IOptionsMonitor<LeadsOptions> options, TimeProvider time)
{
    public const string Contacted = "lead.contacted";

    public static string Correlation(long leadId) => $"lead:{leadId}";

    /// <summary>Resumes workflows waiting for this lead's contact; kept a while if none waits yet.</summary>
    public async Task ContactedAsync(long leadId, string kind, CancellationToken cancellationToken)
    {
        if (services.GetService<WorkflowRuntime>() is not { } runtime)
        {
            return;
        }

        var correlation = Correlation(leadId);
        await runtime.DispatchAsync(
            [new Stimulus(EventStimulus.Prefix + Contacted, [correlation, ""], new JsonObject { ["leadId"] = leadId, ["kind"] = kind }, CorrelationId: correlation)],
            keepUnmatched: true, cancellationToken);
    }

    /// <summary>Notifies the team lead (once per key); false when the lead has no team lead to tell.</summary>
    public async Task<bool> EscalateAsync(long leadId, string reason, string key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        var teamLead = lead?.Team is { } team ? options.CurrentValue.Teams.FirstOrDefault(t => t.Name == team)?.TeamLead : null;
        if (lead is null || teamLead is null)
        {
            return false;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lead.SlaEscalatedAt ??= now;
        lead.Version++;
        if (!await db.Notifications.AnyAsync(n => n.DedupKey == $"escalation:{key}", cancellationToken))
        {
            Notifications.Add(db, teamLead, "escalation", leadId, $"escalation:{key}", LeadTexts.Escalation.In(options.CurrentValue.Language, leadId, lead.Owner ?? "-", reason), now);
        }

        CrashPoints.Reach("lead.escalate", committed: false);
        await db.SaveChangesAsync(cancellationToken);
        CrashPoints.Reach("lead.escalate", committed: true);
        return true;
    }
}
