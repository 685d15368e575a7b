using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Leads.FollowUps;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;

namespace Scrm.Leads.Funnel;

/// <summary>What a rep records on a lead; null fields are left as they are.</summary>
public sealed record LeadUpdate(string? Need = null, decimal? Amount = null, DateOnly? ExpectedClose = null, string? Province = null, string? City = null, string? Product = null);

/// <summary>What became of a change: done, no such lead (or none the caller may see), seen but not the caller's to change (<c>Owner</c> says whose it is), or refused by the funnel's rules.</summary>
public enum ChangeStatus
{
    Done,
    NotFound,
    Forbidden,
    Refused,
}

/// <summary>The outcome of a change to a lead; a forbidden one names the lead's owner and team.</summary>
public sealed record ChangeResult(ChangeStatus Status, string? Owner = null, string? Team = null)
{
    public static readonly ChangeResult Done = new(ChangeStatus.Done);
    public static readonly ChangeResult NotFound = new(ChangeStatus.NotFound);
}

/// <summary>The outcome of a stage change: done, refused with every unmet condition, or not the actor's to make.</summary>
public sealed record TransitionResult(ChangeResult Change, LeadStage Stage, IReadOnlyList<string> Unmet)
{
    public bool Done => Change.Status == ChangeStatus.Done;
}

/// <summary>A lead's day-to-day work: recorded needs and amounts, contacts, guarded stage changes, payments and the handoff to service.</summary>
/// <remarks>
/// Every change loads the lead within the caller's data scope (a lead they may not see is not found),
/// checks that they may change it (<see cref="Caller.Changes"/>) and records them as its actor. A
/// change of what the lead says (<c>lead.update</c>) or of its stage (<c>lead.stage</c>) is audited
/// in the change's own transaction.
/// </remarks>
public sealed class LeadWork(IDbContextFactory<LeadsDbContext> contexts, IOptionsMonitor<LeadsOptions> options, Routing.RoutingTeams teams, AuditOutbox audit, TimeProvider time,
    Workflow.LeadEvents events)
{
    public async Task<ChangeResult> UpdateAsync(long leadId, LeadUpdate update, Caller by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lead = await Visible(db, by).SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (!Allowed(lead, by, out var refused))
        {
            return refused;
        }

        lead.Need = update.Need ?? lead.Need;
        lead.Amount = update.Amount ?? lead.Amount;
        lead.ExpectedClose = update.ExpectedClose ?? lead.ExpectedClose;
        lead.Province = update.Province ?? lead.Province;
        lead.City = update.City ?? lead.City;
        lead.Product = update.Product ?? lead.Product;
        lead.Version++;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var settings = options.CurrentValue;
        if (update.Amount >= settings.BigDealAmount && lead.Team is { } team && teams.TeamLead(team) is { } teamLead)
        {
            Notifications.Add(db, teamLead, NotificationKind.BigDeal, settings, lead.Id, $"big-deal:{lead.Id}:{update.Amount}", now,
                lead.Id, update.Amount.Value.ToString("N0", CultureInfo.InvariantCulture), lead.Owner ?? "-");
        }

        Changed(db, leadId, "update", by, update, now);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            await audit.AddAsync(db.Database, new AuditEvent(by.Id, "lead.update", DataResources.Leads, leadId.ToString(CultureInfo.InvariantCulture),
                JsonSerializer.Serialize(new Dictionary<string, string[]> { ["fields"] = Fields(update) })), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await audit.DeliverAsync(CancellationToken.None);
        return ChangeResult.Done;
    }

    /// <summary>Records a contact (phone, e-mail, visit, WeChat) and closes the earliest open follow-up.</summary>
    public async Task<ChangeResult> RecordContactAsync(long leadId, string kind, string? outcome, Caller by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lead = await Visible(db, by).SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (!Allowed(lead, by, out var refused))
        {
            return refused;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lead.ContactAttempts++;
        lead.FirstContactAt ??= now;
        lead.LastTouchAt = now;
        lead.Version++;
        var open = await db.FollowUps.Where(f => f.LeadId == leadId && f.DoneAt == null).OrderBy(f => f.DueAt).FirstOrDefaultAsync(cancellationToken);
        if (open is not null && open.DueAt <= now + (long)TimeSpan.FromDays(1).TotalMilliseconds)
        {
            open.DoneAt = now;
            open.Kind = kind;
            open.Outcome = outcome;
        }
        else
        {
            db.FollowUps.Add(new FollowUpRow { LeadId = leadId, Owner = lead.Owner ?? by.Name, DueAt = now, DoneAt = now, Reason = FollowUpReason.FirstContact, Note = "unplanned contact", Kind = kind, Outcome = outcome });
        }

        Changed(db, leadId, "contact", by, new { kind, outcome }, now);
        await db.SaveChangesAsync(cancellationToken);
        await events.ContactedAsync(leadId, kind, cancellationToken);
        return ChangeResult.Done;
    }

    /// <param name="language">The language of the unmet conditions (the caller's).</param>
    public async Task<TransitionResult> TransitionAsync(long leadId, LeadStage target, string? reason, Caller by, string language, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lead = await Visible(db, by).SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (!Allowed(lead, by, out var refused))
        {
            return new TransitionResult(refused, lead?.Stage ?? LeadStage.Lead, []);
        }

        var progress = new LeadProgress(lead.Stage, lead.ContactAttempts, !string.IsNullOrWhiteSpace(lead.Need), lead.Amount, lead.ExpectedClose, lead.PaidAmount);
        var lossReasons = options.CurrentValue.LossReasons;
        var unmet = StageGuard.Unmet(progress, target, reason, lossReasons, language);
        if (unmet.Count > 0)
        {
            return new TransitionResult(new ChangeResult(ChangeStatus.Refused), lead.Stage, unmet);
        }

        // A reason is stored by its configured name, whichever alias was given.
        reason = Terms.Find(lossReasons, reason) ?? reason;

        var from = lead.Stage;
        lead.Stage = target;
        if (target is LeadStage.Prospect or LeadStage.Opportunity or LeadStage.Won)
        {
            lead.FurthestStage = target;
        }

        lead.ClosedReason = target is LeadStage.Lost or LeadStage.Disqualified ? reason : lead.ClosedReason;
        lead.Version++;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        db.StageChanges.Add(new StageChangeRow { LeadId = leadId, From = from, To = target, By = by.Name, Why = reason, At = now });
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (target is LeadStage.Won or LeadStage.Lost or LeadStage.Disqualified)
            {
                await db.FollowUps.Where(f => f.LeadId == leadId && f.DoneAt == null && f.Reason == FollowUpReason.FirstContact)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.DoneAt, now).SetProperty(f => f.Outcome, $"lead {target}"), cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await audit.AddAsync(db.Database, new AuditEvent(by.Id, "lead.stage", DataResources.Leads, leadId.ToString(CultureInfo.InvariantCulture),
                JsonSerializer.Serialize(new Dictionary<string, string?> { ["from"] = from.ToString(), ["to"] = target.ToString(), ["reason"] = reason })), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await audit.DeliverAsync(CancellationToken.None);
        return new TransitionResult(ChangeResult.Done, target, []);
    }

    /// <summary>
    /// Records a payment once per payment id. The first payment hands the customer to service:
    /// onboarding tasks for the service workbench, follow-ups on day 5 and 15 spaced within the
    /// weekly contact limit, and the sales owner kept on the tasks.
    /// </summary>
    public async Task<ChangeResult> RecordPaymentAsync(long leadId, string paymentId, decimal amount, DateTimeOffset paidAt, Caller by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var lead = await Visible(db, by).SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (!Allowed(lead, by, out var refused))
        {
            return refused;
        }

        if (await db.Payments.AnyAsync(p => p.PaymentId == paymentId, cancellationToken))
        {
            return ChangeResult.Done;
        }

        var first = lead.PaidAmount <= 0;
        db.Payments.Add(new PaymentRow { PaymentId = paymentId, LeadId = leadId, Amount = amount, PaidAt = paidAt.ToUnixTimeMilliseconds() });
        lead.PaidAmount += amount;
        lead.Version++;
        if (first)
        {
            var due = paidAt.AddDays(2).ToUnixTimeMilliseconds();
            foreach (var title in new[] { "welcome call and account setup", "delivery and installation check", "training session" })
            {
                db.OnboardingTasks.Add(new OnboardingTaskRow { LeadId = leadId, Title = title, SalesOwner = lead.Owner, DueAt = due });
            }

            var scheduled = await db.FollowUps.Where(f => f.LeadId == leadId && f.DoneAt == null).Select(f => f.DueAt).ToListAsync(cancellationToken);
            var plan = FollowUpPlanner.Space(FollowUpPlanner.AfterOrder(paidAt), scheduled.Select(DateTimeOffset.FromUnixTimeMilliseconds), options.CurrentValue.MaxContactsPerWeek);
            foreach (var item in plan)
            {
                db.FollowUps.Add(new FollowUpRow { LeadId = leadId, Owner = lead.Owner, DueAt = item.Due.ToUnixTimeMilliseconds(), Reason = item.Reason, Note = item.Note });
            }
        }

        Changed(db, leadId, "payment", by, new { paymentId, amount }, time.GetUtcNow().ToUnixTimeMilliseconds());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult.Done;
    }

    /// <summary>A marketer's spend on a channel for one day, for the ROI report.</summary>
    public async Task SetChannelCostAsync(string channel, DateOnly day, decimal amount, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ChannelCosts.SingleOrDefaultAsync(c => c.Channel == channel && c.Day == day, cancellationToken);
        if (row is null)
        {
            db.ChannelCosts.Add(new ChannelCostRow { Channel = channel, Day = day, Amount = amount });
        }
        else
        {
            row.Amount = amount;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static IQueryable<LeadRow> Visible(LeadsDbContext db, Caller by) => by.Scope(DataResources.Leads).Apply(db.Leads, l => l.Owner);

    /// <summary>Whether the caller found the lead and may change it; otherwise <paramref name="refusal"/> is the answer to give.</summary>
    private static bool Allowed([NotNullWhen(true)] LeadRow? lead, Caller by, out ChangeResult refusal)
    {
        refusal = lead is null ? ChangeResult.NotFound : new ChangeResult(ChangeStatus.Forbidden, lead.Owner, lead.Team);
        return lead is not null && by.Changes.Allows(lead.Owner, lead.Team);
    }

    /// <summary>The names of the fields an update sets: the audit log names what changed, never the values (amounts are protected).</summary>
    private static string[] Fields(LeadUpdate update) =>
    [
        .. new (string Name, bool Set)[]
        {
            ("need", update.Need is not null), ("amount", update.Amount is not null), ("expectedClose", update.ExpectedClose is not null),
            ("province", update.Province is not null), ("city", update.City is not null), ("product", update.Product is not null),
        }.Where(f => f.Set).Select(f => f.Name),
    ];

    private static void Changed(LeadsDbContext db, long leadId, string kind, Caller by, object detail, long now) =>
        db.Changes.Add(new LeadChangeRow { LeadId = leadId, Kind = kind, By = by.Name, At = now, Detail = JsonSerializer.Serialize(detail, JsonSerializerOptions.Web) });
}
