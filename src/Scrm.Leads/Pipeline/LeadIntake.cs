using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Leads.Funnel;
using Scrm.Leads.Scoring;
using Scrm.Leads.Storage;

namespace Scrm.Leads.Pipeline;

/// <summary>A lead as it arrives, from a web form, an API, a social mention with buying intent or a channel event.</summary>
/// <param name="SourceKey">The inbound item's idempotency key: a redelivery finds the lead it made.</param>
/// <param name="CustomerKey">The resolved customer, when known: one open lead per customer.</param>
/// <param name="Attribution">The channel's own attribution (WeChat QR scene, WeCom State, crawler site, partner).</param>
public sealed record LeadDraft(
    string SourceKey,
    string Channel,
    string? Account = null,
    string? CustomerKey = null,
    string? Name = null,
    string? Phone = null,
    string? Email = null,
    string? Company = null,
    string? Message = null,
    string? Campaign = null,
    string? UtmSource = null,
    string? UtmMedium = null,
    string? UtmCampaign = null,
    string? Attribution = null,
    string? Province = null,
    string? City = null,
    string? Product = null,
    string? ValueTier = null,
    int Interactions = 0,
    bool BuyingIntent = false);

/// <summary>What intake did: made a new lead, attached the item to the customer's open lead, or recognised a redelivery.</summary>
public sealed record IntakeResult(long LeadId, IntakeOutcome Outcome, int Score, bool Hot);

public enum IntakeOutcome
{
    Created,
    Attached,
    AlreadyTaken,
}

/// <summary>
/// Creates leads idempotently by source key. A customer with an open lead gets no second one: the
/// new item is attached as a touch (and counts as engagement), so two reps never chase one person.
/// </summary>
public sealed class LeadIntake(IDbContextFactory<LeadsDbContext> contexts, IOptions<LeadsOptions> options, TimeProvider time)
{
    public async Task<IntakeResult> IntakeAsync(LeadDraft draft, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryIntakeAsync(draft, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // A concurrent intake of the same item or customer won; the next pass finds its lead.
            }
        }
    }

    private async Task<IntakeResult> TryIntakeAsync(LeadDraft draft, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var touch = await db.Touches.AsNoTracking().FirstOrDefaultAsync(t => t.SourceKey == draft.SourceKey, cancellationToken);
        if (touch is not null)
        {
            var known = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == touch.LeadId, cancellationToken);
            return new IntakeResult(known.Id, IntakeOutcome.AlreadyTaken, known.Score, known.Hot);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (draft.CustomerKey is { } customer)
        {
            var open = await db.Leads
                .Where(l => l.CustomerKey == customer && (l.Stage == LeadStage.Lead || l.Stage == LeadStage.Prospect || l.Stage == LeadStage.Opportunity))
                .OrderByDescending(l => l.Id)
                .FirstOrDefaultAsync(cancellationToken);
            if (open is not null)
            {
                open.Touches++;
                open.LastTouchAt = now;
                open.Version++;
                Rescore(open, draft.Channel, draft.BuyingIntent);
                db.Touches.Add(new TouchRow { SourceKey = draft.SourceKey, LeadId = open.Id, Channel = draft.Channel, At = now });
                await db.SaveChangesAsync(cancellationToken);
                return new IntakeResult(open.Id, IntakeOutcome.Attached, open.Score, open.Hot);
            }
        }

        var lead = new LeadRow
        {
            SourceKey = draft.SourceKey,
            CustomerKey = draft.CustomerKey,
            Name = draft.Name,
            Phone = draft.Phone,
            Email = draft.Email,
            Company = draft.Company,
            Message = draft.Message,
            Stage = LeadStage.Lead,
            FurthestStage = LeadStage.Lead,
            CreatedAt = now,
            Channel = draft.Channel,
            Account = draft.Account,
            Campaign = draft.Campaign,
            UtmSource = draft.UtmSource,
            UtmMedium = draft.UtmMedium,
            UtmCampaign = draft.UtmCampaign,
            Attribution = draft.Attribution,
            Province = draft.Province,
            City = draft.City,
            Product = draft.Product,
            ValueTier = draft.ValueTier,
            FirstTouchAt = now,
            LastTouchAt = now,
            Touches = 1 + Math.Max(0, draft.Interactions),
        };
        Rescore(lead, draft.Channel, draft.BuyingIntent);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Leads.Add(lead);
        await db.SaveChangesAsync(cancellationToken);
        db.Touches.Add(new TouchRow { SourceKey = draft.SourceKey, LeadId = lead.Id, Channel = draft.Channel, At = now });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IntakeResult(lead.Id, IntakeOutcome.Created, lead.Score, lead.Hot);
    }

    private void Rescore(LeadRow lead, string channel, bool buyingIntent)
    {
        var (score, hot, breakdown) = LeadScore.Compute(
            new LeadSignals(lead.Channel.Length > 0 ? lead.Channel : channel, lead.Phone is not null, lead.Email is not null, lead.Company is not null,
                lead.ValueTier, lead.Touches - 1, buyingIntent || lead.Hot),
            options.Value.ToWeights());
        lead.Score = Math.Max(lead.Score, score);
        lead.Hot |= hot;
        lead.ScoreBreakdown = string.Join("; ", breakdown);
    }
}
