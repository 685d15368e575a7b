using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Leads.FollowUps;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;

namespace Scrm.Leads.Funnel;

/// <summary>What a rep records on a lead; null fields are left as they are.</summary>
public sealed record LeadUpdate(string? Need = null, decimal? Amount = null, DateOnly? ExpectedClose = null, string? Province = null, string? City = null, string? Product = null);

/// <summary>The outcome of a stage change: done, or refused with every unmet condition.</summary>
public sealed record TransitionResult(bool Done, LeadStage Stage, IReadOnlyList<string> Unmet);

/// <summary>A lead's day-to-day work: recorded needs and amounts, contacts, guarded stage changes, payments and the handoff to service.</summary>
public sealed class LeadWork(IDbContextFactory<LeadsDbContext> contexts, IOptionsMonitor<LeadsOptions> options, TimeProvider time, Workflow.LeadEvents events)
{
    public async Task<bool> UpdateAsync(long leadId, LeadUpdate update, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null)
        {
            return false;
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
        if (update.Amount >= settings.BigDealAmount && lead.Team is { } team && settings.Teams.FirstOrDefault(t => t.Name == team)?.TeamLead is { } teamLead)
        {
            Notifications.Add(db, teamLead, "big-deal", lead.Id, $"big-deal:{lead.Id}:{update.Amount}", $"Big deal: lead #{lead.Id} expects {update.Amount:N0} (owner {lead.Owner ?? "none"})", now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Records a contact (phone, e-mail, visit, WeChat) and closes the earliest open follow-up.</summary>
    public async Task<bool> RecordContactAsync(long leadId, string kind, string? outcome, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null)
        {
            return false;
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
            db.FollowUps.Add(new FollowUpRow { LeadId = leadId, Owner = by, DueAt = now, DoneAt = now, Reason = FollowUpReason.FirstContact, Note = "unplanned contact", Kind = kind, Outcome = outcome });
        }

        await db.SaveChangesAsync(cancellationToken);
        await events.ContactedAsync(leadId, kind, cancellationToken);
        return true;
    }

    public async Task<TransitionResult?> TransitionAsync(long leadId, LeadStage target, string? reason, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null)
        {
            return null;
        }

        var progress = new LeadProgress(lead.Stage, lead.ContactAttempts, !string.IsNullOrWhiteSpace(lead.Need), lead.Amount, lead.ExpectedClose, lead.PaidAmount);
        var unmet = StageGuard.Unmet(progress, target, reason, options.CurrentValue.LossReasons.ToHashSet(StringComparer.Ordinal));
        if (unmet.Count > 0)
        {
            return new TransitionResult(false, lead.Stage, unmet);
        }

        var from = lead.Stage;
        lead.Stage = target;
        if (target is LeadStage.Prospect or LeadStage.Opportunity or LeadStage.Won)
        {
            lead.FurthestStage = target;
        }

        lead.ClosedReason = target is LeadStage.Lost or LeadStage.Disqualified ? reason : lead.ClosedReason;
        lead.Version++;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        db.StageChanges.Add(new StageChangeRow { LeadId = leadId, From = from, To = target, By = by, Why = reason, At = now });
        if (target is LeadStage.Won or LeadStage.Lost or LeadStage.Disqualified)
        {
            await db.FollowUps.Where(f => f.LeadId == leadId && f.DoneAt == null && f.Reason == FollowUpReason.FirstContact)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.DoneAt, now).SetProperty(f => f.Outcome, $"lead {target}"), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new TransitionResult(true, target, []);
    }

    /// <summary>
    /// Records a payment once per payment id. The first payment hands the customer to service:
    /// onboarding tasks for the service workbench, follow-ups on day 5 and 15 spaced within the
    /// weekly contact limit, and the sales owner kept on the tasks.
    /// </summary>
    public async Task<bool> RecordPaymentAsync(long leadId, string paymentId, decimal amount, DateTimeOffset paidAt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var lead = await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null)
        {
            return false;
        }

        if (await db.Payments.AnyAsync(p => p.PaymentId == paymentId, cancellationToken))
        {
            return true;
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

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
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
}
