using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Storage;
using Scrm.Customers.Directory;
using Scrm.Platform.Security;

namespace Scrm.Campaigns.Sending;

/// <summary>What a start would do now: messages per channel, and recipients held back per rule.</summary>
/// <param name="QuietUntil">Set when the send falls in quiet hours: nothing goes out before this.</param>
/// <param name="Variants">Per A/B variant, how many would be sent (empty without variants); the holdout is counted in <paramref name="Held"/>.</param>
internal sealed record DryRun(int Audience, DateTimeOffset At, IReadOnlyDictionary<string, int> Send, IReadOnlyDictionary<string, int> Held, DateTimeOffset? QuietUntil,
    IReadOnlyDictionary<string, int> Variants);

/// <summary>A campaign's results so far, per channel and reason; clicks count recipients who followed the tracked link at least once.</summary>
internal sealed record CampaignReport(
    Guid Id, string Status, int Audience, int Pending, int InFlight, int Sent, int Failed, int Held, int Cancelled,
    IReadOnlyDictionary<string, int> SentByChannel, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> FailedByChannel,
    IReadOnlyDictionary<string, int> HeldByReason, IReadOnlyDictionary<string, int> Unsubscribed, int Clicked, IReadOnlyDictionary<string, int> ClickedByChannel,
    IReadOnlyDictionary<string, VariantReport> Variants,
    Attribution.CampaignResultsReport? Results);

/// <summary>One A/B variant's (or the holdout's) figures: recipients assigned, sent, held back, failed, clicked.</summary>
internal sealed record VariantReport(int Audience, int Sent, int Held, int Failed, int Clicked);

/// <summary>One recipient's message as it would go out now, or why they would get none.</summary>
internal sealed record RecipientPreview(Guid Customer, string? Channel, string? Held, RenderedContent? Content, string? Variant = null);

/// <summary>Dry runs, per-recipient previews and reports.</summary>
internal sealed class CampaignInsight(
    IDbContextFactory<CampaignsDbContext> contexts, SegmentStore segments, SegmentMembers members, FactIndex index, CustomerFactSheets facts,
    CampaignSender sender, ContentRenderer renderer, UnsubscribeLinks links, TrackedLinks tracked, CustomerOrders orders, Attribution.LeadConversions leads,
    Microsoft.Extensions.Options.IOptions<CampaignsOptions> options, TimeProvider time)
{
    /// <summary>The campaign's segment as it is now, run through every rule the send applies, without claiming or sending anything.</summary>
    public async Task<DryRun> DryRunAsync(CampaignRow campaign, CancellationToken cancellationToken)
    {
        var plan = CampaignStore.PlanOf(campaign);
        var at = campaign.ScheduledAt is { } s && s > time.GetUtcNow().ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(s) : time.GetUtcNow();
        var quiet = sender.QuietHoursOf(plan);
        var ids = await MembersAsync(campaign.SegmentId, cancellationToken);
        var send = CampaignChannels.All.Where(c => plan.Channels.Any(p => p.Channel == c)).ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        var held = HoldReason.All.ToDictionary(r => r, _ => 0, StringComparer.Ordinal);
        var variants = (plan.Variants ?? []).ToDictionary(v => v.Name, _ => 0, StringComparer.Ordinal);
        var cap = sender.Cap;
        var winner = CampaignSender.WinnerOf(campaign);
        var now = at.ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(2_000))
        {
            var reach = (await facts.ReachAsync(chunk, cancellationToken)).ToDictionary(r => r.Id);
            var unsubscribed = (await db.Unsubscribes.AsNoTracking().Where(u => chunk.Contains(u.CustomerId)).Select(u => new { u.CustomerId, u.Channel, u.At }).ToListAsync(cancellationToken))
                .ToLookup(u => u.CustomerId, u => (u.Channel, u.At));
            var since = cap.Since(now);
            var counts = (await db.Contacts.AsNoTracking().Where(c => chunk.Contains(c.CustomerId) && c.At > since)
                    .GroupBy(c => c.CustomerId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
                .ToDictionary(c => c.Key, c => c.Count);
            foreach (var id in chunk)
            {
                var variant = Split.Assign(campaign.Id, id, plan);
                if (variant == Split.Holdout)
                {
                    held[HoldReason.Holdout]++;
                    continue;
                }

                var (choice, reason) = reach.TryGetValue(id, out var customer)
                    ? Audience.Choose(customer, Split.ChannelsOf(plan, variant, winner), Audience.StillUnsubscribed(customer, unsubscribed[id]), now)
                    : (null, HoldReason.Gone);
                if (choice is not null && !cap.Allows(counts.GetValueOrDefault(id)))
                {
                    reason = HoldReason.FrequencyCap;
                }
                else if (choice is not null && quiet.Contains(at))
                {
                    reason = HoldReason.QuietHours;
                }

                if (reason is not null)
                {
                    held[reason]++;
                }
                else
                {
                    send[choice!.Plan.Channel] = send.GetValueOrDefault(choice.Plan.Channel) + 1;
                    if (variant is not null)
                    {
                        variants[variant] = variants.GetValueOrDefault(variant) + 1;
                    }
                }
            }
        }

        return new DryRun(ids.Count, at, send, held, quiet.Contains(at) ? quiet.EndAfter(at) : null, variants);
    }

    public async Task<RecipientPreview> PreviewAsync(CampaignRow campaign, Guid customerId, CancellationToken cancellationToken)
    {
        var plan = CampaignStore.PlanOf(campaign);
        if (await facts.ReachAsync([customerId], cancellationToken) is not [var customer])
        {
            return new RecipientPreview(customerId, null, HoldReason.Gone, null);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var unsubscribed = Audience.StillUnsubscribed(customer,
            (await db.Unsubscribes.AsNoTracking().Where(u => u.CustomerId == customerId).Select(u => new { u.Channel, u.At }).ToListAsync(cancellationToken)).Select(u => (u.Channel, u.At)));
        var variant = Split.Assign(campaign.Id, customerId, plan);
        var channels = Split.ChannelsOf(plan, variant, CampaignSender.WinnerOf(campaign));
        var (choice, held) = variant == Split.Holdout ? (null, HoldReason.Holdout)
            : Audience.Choose(customer, channels, unsubscribed, time.GetUtcNow().ToUnixTimeMilliseconds());
        var shown = choice?.Plan ?? channels[0];
        var link = links.For(campaign.Id, customerId, shown.Channel).ToString();
        return new RecipientPreview(customerId, choice?.Plan.Channel, held,
            renderer.Render(shown, customer, campaign.Name, link, tracked.For(campaign.Id, customerId, shown.Channel).ToString()), variant);
    }

    public async Task<CampaignReport> ReportAsync(CampaignRow campaign, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var groups = await db.Recipients.AsNoTracking().Where(r => r.CampaignId == campaign.Id)
            .GroupBy(r => new { r.Status, r.Channel, r.Reason })
            .Select(g => new { g.Key.Status, g.Key.Channel, g.Key.Reason, Count = g.Count() })
            .ToListAsync(cancellationToken);
        int Of(string status) => groups.Where(g => g.Status == status).Sum(g => g.Count);
        var unsubscribed = await db.Unsubscribes.AsNoTracking().Where(u => u.CampaignId == campaign.Id)
            .GroupBy(u => u.Channel).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var clicks = await db.Clicks.AsNoTracking().Where(c => c.CampaignId == campaign.Id)
            .GroupBy(c => c.Channel).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var byVariant = await db.Recipients.AsNoTracking().Where(r => r.CampaignId == campaign.Id && r.Variant != null)
            .GroupBy(r => new { r.Variant, r.Status }).Select(g => new { g.Key.Variant, g.Key.Status, Count = g.Count() }).ToListAsync(cancellationToken);
        var clickedByVariant = await (from c in db.Clicks.AsNoTracking()
                                      join r in db.Recipients.AsNoTracking() on new { c.CampaignId, c.CustomerId } equals new { r.CampaignId, r.CustomerId }
                                      where c.CampaignId == campaign.Id && r.Variant != null
                                      group c by r.Variant into g
                                      select new { Variant = g.Key!, Count = g.Count() }).ToDictionaryAsync(g => g.Variant, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var variants = byVariant.GroupBy(v => v.Variant!).ToDictionary(g => g.Key, g => new VariantReport(
            g.Sum(x => x.Count),
            g.Where(x => x.Status == RecipientStatus.Sent).Sum(x => x.Count),
            g.Where(x => x.Status == RecipientStatus.Held).Sum(x => x.Count),
            g.Where(x => x.Status == RecipientStatus.Failed).Sum(x => x.Count),
            clickedByVariant.GetValueOrDefault(g.Key)), StringComparer.Ordinal);
        return new CampaignReport(
            campaign.Id, campaign.Status, campaign.Audience ?? 0, Of(RecipientStatus.Pending), Of(RecipientStatus.Claimed), Of(RecipientStatus.Sent),
            Of(RecipientStatus.Failed), Of(RecipientStatus.Held), Of(RecipientStatus.Cancelled),
            groups.Where(g => g.Status == RecipientStatus.Sent).GroupBy(g => g.Channel!).ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal),
            groups.Where(g => g.Status == RecipientStatus.Failed).GroupBy(g => g.Channel!)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, int>)g.GroupBy(x => x.Reason ?? "unknown").ToDictionary(x => x.Key, x => x.Sum(y => y.Count), StringComparer.Ordinal), StringComparer.Ordinal),
            groups.Where(g => g.Status == RecipientStatus.Held).GroupBy(g => g.Reason!).ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal),
            unsubscribed,
            clicks.Values.Sum(),
            clicks,
            variants,
            campaign.StartedAt is { } started ? await ResultsAsync(db, campaign.Id, started, cancellationToken) : null);
    }

    /// <summary>Orders and won leads attributed to the campaign's sent recipients and to its holdout, with cost and ROI.</summary>
    private async Task<Attribution.CampaignResultsReport> ResultsAsync(CampaignsDbContext db, Guid campaignId, long started, CancellationToken cancellationToken)
    {
        var rows = await db.Recipients.AsNoTracking()
            .Where(r => r.CampaignId == campaignId && (r.Status == RecipientStatus.Sent || r.Reason == HoldReason.Holdout))
            .Select(r => new { r.CustomerId, r.Variant, r.Status, r.Channel, r.DoneAt }).ToListAsync(cancellationToken);
        var clicks = await db.Clicks.AsNoTracking().Where(c => c.CampaignId == campaignId).ToDictionaryAsync(c => c.CustomerId, c => c.At, cancellationToken);
        var recipients = rows.Select(r => r.Status == RecipientStatus.Sent
            ? new Attribution.ResultRecipient(r.CustomerId, r.Variant, false, r.Channel, r.DoneAt, clicks.TryGetValue(r.CustomerId, out var at) ? at : null)
            : new Attribution.ResultRecipient(r.CustomerId, r.Variant, true, null, null, null)).ToList();
        var placed = new List<Attribution.ResultOrder>();
        var orderIds = new HashSet<(Guid, string)>();
        foreach (var chunk in recipients.Select(r => r.Customer).Chunk(2_000))
        {
            foreach (var order in await orders.PlacedAsync(chunk, started, long.MaxValue, cancellationToken))
            {
                placed.Add(new Attribution.ResultOrder(order.Customer, order.OccurredAt, order.AmountCents));
                orderIds.Add((order.Customer, order.OrderId));
            }
        }

        placed.AddRange(await leads.WonAsync(recipients.Select(r => r.Customer).ToHashSet(), started, orderIds, cancellationToken));
        var entered = await db.Costs.AsNoTracking().Where(c => c.CampaignId == campaignId).Select(c => new { c.Channel, c.Fen }).ToListAsync(cancellationToken);
        var o = options.Value;
        return Attribution.CampaignResults.Build(recipients, placed, started, o.AttributionWindow, o.MessageCosts,
            [.. entered.Select(c => new Attribution.EnteredCost(c.Channel, c.Fen))]);
    }

    private async Task<IReadOnlyList<Guid>> MembersAsync(Guid segmentId, CancellationToken cancellationToken)
    {
        if (await segments.RuleAsync(segmentId, cancellationToken) is not { } rule)
        {
            return [];
        }

        var selection = index.Select(rule, members.Context(), OwnerScope.All);
        var ids = new List<Guid>(selection.Count);
        Guid? after = null;
        while (selection.Members(after, 10_000) is { Count: > 0 } page)
        {
            ids.AddRange(page.Select(m => m.Id));
            after = page[^1].Id;
        }

        return ids;
    }
}
