using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Leads.Funnel;
using Scrm.Leads.Scoring;
using Scrm.Leads.Storage;
using Scrm.Platform.Batching;
using Scrm.Platform.Effects;

namespace Scrm.Leads.Pipeline;

/// <summary>A lead as it arrives, from a web form, an API, a social mention with buying intent or a channel event.</summary>
/// <param name="SourceKey">The inbound item's key: a redelivery finds the lead it made.</param>
/// <param name="CustomerKey">The resolved customer, when known: one open lead per customer.</param>
/// <param name="Attribution">The channel's own attribution (WeChat QR scene, WeCom State, crawler site, partner).</param>
/// <param name="CustomerOwner">The customer's sales owner in the customer model, if they have one: routing keeps them together.</param>
/// <param name="RequestedOwner">The rep who entered the lead by hand and asked to keep it.</param>
internal sealed record LeadDraft(
    string SourceKey,
    string Channel,
    string? Account = null,
    string? CustomerKey = null,
    string? Name = null,
    string? Phone = null,
    string? Email = null,
    string? Company = null,
    string? Message = null,
    string? Title = null,
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
    bool BuyingIntent = false,
    string? CustomerOwner = null,
    string? RequestedOwner = null);

/// <summary>What intake did: made a new lead, attached the item to the customer's open lead, or recognised a redelivery.</summary>
/// <param name="CustomerKey">The lead's customer key (the one it was made or found under).</param>
internal sealed record IntakeResult(long LeadId, IntakeOutcome Outcome, int Score, bool Hot, string? CustomerKey = null);

internal enum IntakeOutcome
{
    Created,
    Attached,
    AlreadyTaken,
}

/// <summary>
/// Creates leads idempotently by source key. A customer with an open lead gets no second one: the
/// new item is attached as a touch (and counts as engagement), so two reps never chase one person.
/// Concurrent intakes are group-committed: one transaction per batch. An intake under an effect key
/// (a workflow step) records its outcome in that transaction and answers it again for that key.
/// </summary>
internal sealed class LeadIntake : IAsyncDisposable
{
    public const string Effect = "lead.create";

    private readonly IDbContextFactory<LeadsDbContext> _contexts;
    private readonly IOptions<LeadsOptions> _options;
    private readonly TimeProvider _time;
    private readonly GroupCommit<(LeadDraft Draft, string? Key), Effect<IntakeResult>> _writer;

    public LeadIntake(IDbContextFactory<LeadsDbContext> contexts, IOptions<LeadsOptions> options, TimeProvider time, ILogger<LeadIntake> log)
    {
        _contexts = contexts;
        _options = options;
        _time = time;
        _writer = new GroupCommit<(LeadDraft, string?), Effect<IntakeResult>>(IntakeBatchAsync, 500, log);
    }

    public async Task<IntakeResult> IntakeAsync(LeadDraft draft, CancellationToken cancellationToken) =>
        (await _writer.SubmitAsync((draft, null), cancellationToken)).Outcome;

    /// <summary>Intake as a side effect under <paramref name="effectKey"/>: the first call's outcome is answered to every later one.</summary>
    public Task<Effect<IntakeResult>> IntakeAsync(LeadDraft draft, string effectKey, CancellationToken cancellationToken) =>
        _writer.SubmitAsync((draft, effectKey), cancellationToken);

    /// <summary>The score and heat a new lead from <paramref name="draft"/> would get (for dry runs); stores nothing.</summary>
    public (int Score, bool Hot) Preview(LeadDraft draft)
    {
        var lead = NewLead(draft, 0);
        return (lead.Score, lead.Hot);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>
    /// Records that the step under <paramref name="effectKey"/> created <paramref name="leadId"/>, for
    /// a lead made before intake recorded its outcomes: a replay of the step then answers "created".
    /// </summary>
    internal async Task AdoptAsync(string effectKey, long leadId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var effects = await EffectOutcomes.LoadAsync<IntakeResult>(db, [effectKey], cancellationToken);
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == leadId, cancellationToken);
        if (!effects.TryReplay(effectKey, out _))
        {
            effects.Record(effectKey, new IntakeResult(lead.Id, IntakeOutcome.Created, lead.Score, lead.Hot, lead.CustomerKey), _time.GetUtcNow().ToUnixTimeMilliseconds());
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task<IReadOnlyList<Effect<IntakeResult>>> IntakeBatchAsync(IReadOnlyList<(LeadDraft Draft, string? Key)> requests, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var effects = await EffectOutcomes.LoadAsync<IntakeResult>(db, requests.Select(r => r.Key), cancellationToken);
        var results = new Effect<IntakeResult>?[requests.Count];
        var drafts = new List<LeadDraft>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            if (effects.TryReplay(requests[i].Key, out var replayed))
            {
                results[i] = replayed;
            }

            drafts.Add(requests[i].Draft);
        }

        var sourceKeys = drafts.Select(d => d.SourceKey).Distinct().ToList();
        var taken = await db.Touches.AsNoTracking().Where(t => sourceKeys.Contains(t.SourceKey)).ToDictionaryAsync(t => t.SourceKey, t => t.LeadId, cancellationToken);
        var customerKeys = drafts.Where(d => d.CustomerKey is not null).Select(d => d.CustomerKey!).Distinct().ToList();
        var openByCustomer = (await db.Leads
                .Where(l => customerKeys.Contains(l.CustomerKey!) && (l.Stage == LeadStage.Lead || l.Stage == LeadStage.Prospect || l.Stage == LeadStage.Opportunity))
                .ToListAsync(cancellationToken))
            .GroupBy(l => l.CustomerKey!).ToDictionary(g => g.Key, g => g.MaxBy(l => l.Id)!, StringComparer.Ordinal);
        var takenLeads = await db.Leads.Where(l => taken.Values.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);

        var outcomes = new (LeadRow Lead, IntakeOutcome Outcome)[drafts.Count];
        var inBatch = new Dictionary<string, LeadRow>(StringComparer.Ordinal);
        var touches = new List<(string Key, string Channel, LeadRow Lead)>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            if (results[i] is not null)
            {
                continue;
            }

            if (taken.TryGetValue(draft.SourceKey, out var leadId))
            {
                outcomes[i] = (takenLeads[leadId], IntakeOutcome.AlreadyTaken);
            }
            else if (inBatch.TryGetValue(draft.SourceKey, out var same))
            {
                outcomes[i] = (same, IntakeOutcome.AlreadyTaken);
            }
            else if (draft.CustomerKey is { } customer && openByCustomer.TryGetValue(customer, out var open))
            {
                open.Touches++;
                open.LastTouchAt = now;
                open.Version++;
                Rescore(open, draft.BuyingIntent || LeadScore.ShowsIntent(draft.Message, _options.Value.ToWeights()));
                outcomes[i] = (open, IntakeOutcome.Attached);
                inBatch[draft.SourceKey] = open;
                touches.Add((draft.SourceKey, draft.Channel, open));
            }
            else
            {
                var lead = NewLead(draft, now);
                db.Leads.Add(lead);
                if (draft.CustomerKey is { } key)
                {
                    openByCustomer[key] = lead;
                }

                outcomes[i] = (lead, IntakeOutcome.Created);
                inBatch[draft.SourceKey] = lead;
                touches.Add((draft.SourceKey, draft.Channel, lead));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        db.Touches.AddRange(touches.Select(t => new TouchRow { SourceKey = t.Key, LeadId = t.Lead.Id, Channel = t.Channel, At = now }));
        for (var i = 0; i < requests.Count; i++)
        {
            if (results[i] is null)
            {
                var (lead, outcome) = outcomes[i];
                // A key seen twice in one batch: the second answers the first's outcome.
                results[i] = effects.TryReplay(requests[i].Key, out var replayed)
                    ? replayed
                    : effects.Record(requests[i].Key, new IntakeResult(lead.Id, outcome, lead.Score, lead.Hot, lead.CustomerKey), now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitEffectAsync(Effect, cancellationToken);
        return [.. results.Select(r => r!.Value)];
    }

    private LeadRow NewLead(LeadDraft draft, long now)
    {
        var lead = new LeadRow
        {
            SourceKey = draft.SourceKey,
            CustomerKey = draft.CustomerKey,
            Name = draft.Name,
            Phone = draft.Phone,
            Email = draft.Email,
            Company = draft.Company,
            Title = draft.Title,
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
            CustomerOwner = draft.CustomerOwner,
            RequestedOwner = draft.RequestedOwner,
            FirstTouchAt = now,
            LastTouchAt = now,
            Touches = 1 + Math.Max(0, draft.Interactions),
        };
        Rescore(lead, draft.BuyingIntent);
        return lead;
    }

    private void Rescore(LeadRow lead, bool buyingIntent)
    {
        var weights = _options.Value.ToWeights();
        var (score, hot, breakdown) = LeadScore.Compute(
            new LeadSignals(lead.Channel, lead.Phone is not null, lead.Email is not null, lead.Company is not null,
                lead.ValueTier, lead.Touches - 1, buyingIntent || lead.Hot || LeadScore.ShowsIntent(lead.Message, weights)),
            weights);
        lead.Score = Math.Max(lead.Score, score);
        lead.Hot |= hot;
        lead.ScoreBreakdown = string.Join("; ", breakdown);
    }
}
