using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Leads.Funnel;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Leads.Storage;
using Scrm.Leads.Workflow;
using Scrm.Platform.Consistency;
using Scrm.Workflows.Runtime;

namespace Scrm.Leads.Consistency;

/// <summary>
/// Open leads with no owner that are not in the shared pool: nobody will ever see them. For each,
/// the workflow that made it decides the repair: one that ended on "attached" for the very lead it
/// created (a crash on a build from before ADR 0006) disagrees with its effect, so the effect's
/// outcome is recorded and the step replayed, and the workflow routes the lead and watches its SLA;
/// one that faulted is reported for someone to retry; a lead no workflow will route is routed here.
/// </summary>
internal sealed partial class UnroutedLeads(
    IDbContextFactory<LeadsDbContext> contexts,
    LeadIntake intake,
    LeadRouting routing,
    WorkflowRuntime workflows,
    ILogger<UnroutedLeads> log) : IConsistencyCheck
{
    private const int Limit = 500;

    public string Name => "leads.unrouted";

    public async Task<ConsistencyFinding> RunAsync(ConsistencyRun run, CancellationToken cancellationToken)
    {
        var cutoff = run.Cutoff.ToUnixTimeMilliseconds();
        List<long> unrouted;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            unrouted = await db.Leads.AsNoTracking()
                .Where(l => l.Owner == null && !l.Pooled && l.CreatedAt < cutoff
                            && (l.Stage == LeadStage.Lead || l.Stage == LeadStage.Prospect || l.Stage == LeadStage.Opportunity))
                .OrderBy(l => l.Id).Take(Limit).Select(l => l.Id)
                .ToListAsync(cancellationToken);
        }

        var found = 0;
        var repaired = 0;
        var left = new List<string>();
        foreach (var leadId in unrouted)
        {
            var steps = await workflows.StepsAsync(LeadEvents.Correlation(leadId), "lead.create", cancellationToken);
            var made = steps.FirstOrDefault(s => s.Outputs["leadId"]?.GetValue<long>() == leadId);
            if (made is { Status: WorkflowStatus.Running or WorkflowStatus.Suspended })
            {
                // Its workflow is still on it.
                continue;
            }

            found++;
            if (made is { Status: WorkflowStatus.Faulted })
            {
                left.Add($"lead {leadId}: workflow {made.InstanceId} faulted after creating it; retry the instance");
                continue;
            }

            if (!run.Repair)
            {
                left.Add($"lead {leadId}: {(made is null ? "no workflow routes it" : $"workflow {made.InstanceId} ended without routing it")}");
                continue;
            }

            if (made is not null && made.Outputs["outcome"]?.GetValue<int>() != (int)IntakeOutcome.Created)
            {
                // The step's record says "attached" to the lead it created: give it its effect's true
                // outcome and run it again, so the workflow goes on to route as it would have.
                await intake.AdoptAsync(made.EffectKey, leadId, cancellationToken);
                var replay = await workflows.ReplayStepAsync(made.InstanceId, made.ActivityId, made.Iteration, cancellationToken);
                if (replay.Outcome == RunOutcome.Retried)
                {
                    repaired++;
                    LogResumed(log, leadId, made.InstanceId);
                    continue;
                }

                left.Add($"lead {leadId}: workflow {made.InstanceId} could not be resumed ({replay.Outcome})");
                continue;
            }

            var decision = await routing.RouteAsync(leadId, "safety-net", cancellationToken);
            repaired++;
            LogRouted(log, leadId, decision.Owner ?? "the pool", made?.InstanceId ?? "none");
        }

        return new ConsistencyFinding(Name, found, repaired, left);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Safety net: lead {LeadId} was unrouted; its workflow {InstanceId} resumes at the step that created it")]
    private static partial void LogResumed(ILogger logger, long leadId, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Safety net: lead {LeadId} was unrouted (workflow {InstanceId}); routed to {Owner}")]
    private static partial void LogRouted(ILogger logger, long leadId, string owner, string instanceId);
}
