using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Storage;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Customers.Directory;
using Scrm.Platform.Security;

namespace Scrm.Campaigns.Sending;

/// <summary>
/// Runs campaigns: materialises a due campaign's recipients (a snapshot of its segment), claims
/// recipients a batch at a time — choosing each one's channel and checking the frequency cap in
/// the same transaction that writes their contact-ledger row — and sends the claimed through the
/// channel with the key campaign × recipient × step, so that a restart resends nothing that was sent.
/// </summary>
internal sealed partial class CampaignSender(
    IDbContextFactory<CampaignsDbContext> contexts,
    SegmentStore segments,
    SegmentMembers members,
    FactIndex index,
    CustomerFactSheets facts,
    IEnumerable<IOutboundChannel> channels,
    ContentRenderer renderer,
    UnsubscribeLinks links,
    TrackedLinks tracked,
    ChannelThrottle throttle,
    IOptions<CampaignsOptions> options,
    TimeProvider time,
    ILogger<CampaignSender> log)
{
    /// <summary>The only step campaigns have today: the first message.</summary>
    public const int FirstStep = 0;

    public static string IdempotencyKey(Guid campaign, Guid customer, int step) => $"campaign:{campaign:N}:{customer:N}:{step}";

    public FrequencyCap Cap => new(options.Value.FrequencyCap, options.Value.FrequencyWindow);

    public QuietHours QuietHoursOf(CampaignPlan plan)
    {
        var o = options.Value;
        var q = plan.QuietHours ?? new QuietHoursPlan(o.QuietHoursStart, o.QuietHoursEnd);
        return PlanRules.TryTime(q.Start, out var start) && PlanRules.TryTime(q.End, out var end) ? new QuietHours(start, end) : default;
    }

    /// <summary>Due scheduled campaigns get their recipients; returns how many campaigns started.</summary>
    public async Task<int> StartDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<CampaignRow> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Scheduled && c.ScheduledAt <= now).ToListAsync(cancellationToken);
        }

        if (due.Count > 0 && !await members.WaitReadyAsync(cancellationToken))
        {
            return 0;
        }

        foreach (var campaign in due)
        {
            await MaterialiseAsync(campaign, cancellationToken);
        }

        return due.Count;
    }

    private async Task MaterialiseAsync(CampaignRow campaign, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        var plan = CampaignStore.PlanOf(campaign);
        // A campaign sent on entry starts empty: each customer who enters the segment is enrolled then.
        if (!plan.OnEntry && await segments.RuleAsync(campaign.SegmentId, cancellationToken) is { } rule)
        {
            var selection = index.Select(rule, members.Context(), OwnerScope.All);
            Guid? after = null;
            while (selection.Members(after, 10_000) is { Count: > 0 } page)
            {
                ids.AddRange(page.Select(m => m.Id));
                after = page[^1].Id;
            }
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var moved = await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Scheduled)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CampaignStatus.Running).SetProperty(c => c.StartedAt, now)
                .SetProperty(c => c.Audience, ids.Count).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);
        if (moved == 0)
        {
            return;
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var chunk in ids.Chunk(5_000))
        {
            db.Recipients.AddRange(chunk.Select(id => Split.Assign(campaign.Id, id, plan) switch
            {
                Split.Holdout => new RecipientRow { CampaignId = campaign.Id, CustomerId = id, Status = RecipientStatus.Held, Reason = HoldReason.Holdout, Variant = Split.Holdout, Step = FirstStep, DoneAt = now },
                Split.Rest => new RecipientRow { CampaignId = campaign.Id, CustomerId = id, Status = RecipientStatus.Waiting, Variant = Split.Rest, Step = FirstStep },
                var variant => new RecipientRow { CampaignId = campaign.Id, CustomerId = id, Status = RecipientStatus.Pending, Variant = variant, Step = FirstStep },
            }));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        await tx.CommitAsync(cancellationToken);
        LogStarted(log, campaign.Id, ids.Count);
    }

    /// <summary>Running campaigns' ids.</summary>
    public async Task<IReadOnlyList<Guid>> RunningAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running).Select(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>One batch of a running campaign: retries due, then newly claimed recipients, sent; false when there was nothing to do now.</summary>
    public async Task<bool> RunBatchAsync(Guid campaignId, CancellationToken cancellationToken)
    {
        CampaignRow? campaign;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        }

        if (campaign is not { Status: CampaignStatus.Running })
        {
            return false;
        }

        var plan = CampaignStore.PlanOf(campaign);
        if (QuietHoursOf(plan).Contains(time.GetUtcNow()))
        {
            return false;
        }

        var batch = options.Value.SendBatchSize;
        var retries = await ClaimedDueAsync(campaignId, plan.OnEntry, batch, cancellationToken);
        // A campaign sent on entry: its workflow steps claim and send; here only their retries, and it runs until cancelled.
        var claimed = retries.Count > 0 || plan.OnEntry ? retries : await ClaimAsync(campaign, plan, batch, cancellationToken);
        if (claimed.Count > 0)
        {
            await SendAsync(campaign, plan, claimed, cancellationToken);
            return true;
        }

        if (plan.OnEntry)
        {
            return false;
        }

        await using var done = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await done.Recipients.AnyAsync(r => r.CampaignId == campaignId
                && (r.Status == RecipientStatus.Pending || r.Status == RecipientStatus.Claimed || r.Status == RecipientStatus.Waiting), cancellationToken))
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await done.Campaigns.Where(c => c.Id == campaignId && c.Status == CampaignStatus.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CampaignStatus.Completed).SetProperty(c => c.FinishedAt, now).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);
            LogCompleted(log, campaignId);
        }

        return false;
    }

    /// <summary>Recipients claimed earlier (by a run that stopped, or whose channel asked to retry) that are due again.</summary>
    /// <remarks>
    /// A campaign sent on entry is claimed and sent by workflow steps while this runs: only its
    /// recipients whose channel asked for a retry, or claimed long ago by a step that stopped, are its.
    /// </remarks>
    private async Task<List<RecipientRow>> ClaimedDueAsync(Guid campaignId, bool onEntry, int batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var stale = now - (long)StepClaimTimeout.TotalMilliseconds;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Recipients.AsNoTracking()
            .Where(r => r.CampaignId == campaignId && r.Status == RecipientStatus.Claimed)
            .Where(r => onEntry
                ? (r.NextAttemptAt != null && r.NextAttemptAt <= now) || (r.NextAttemptAt == null && r.ClaimedAt < stale)
                : r.NextAttemptAt == null || r.NextAttemptAt <= now)
            .OrderBy(r => r.CustomerId).Take(batch).ToListAsync(cancellationToken);
    }

    /// <summary>How long a workflow step's claim is its own before the runner sends it instead.</summary>
    private static readonly TimeSpan StepClaimTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Chooses a channel for the next pending recipients and claims those the frequency cap allows,
    /// writing their contact-ledger rows in the same transaction as the claim. The transaction holds
    /// the write lock (SQLite) or each customer's advisory lock (PostgreSQL) from the count to the
    /// commit, so concurrent campaigns cannot both use a customer's last allowed message.
    /// </summary>
    private async Task<List<RecipientRow>> ClaimAsync(CampaignRow campaign, CampaignPlan plan, int batch, CancellationToken cancellationToken)
    {
        List<RecipientRow> pending;
        await using (var read = await contexts.CreateDbContextAsync(cancellationToken))
        {
            pending = await read.Recipients.AsNoTracking().Where(r => r.CampaignId == campaign.Id && r.Status == RecipientStatus.Pending)
                .OrderBy(r => r.CustomerId).Take(batch).ToListAsync(cancellationToken);
        }

        return pending.Count == 0 ? [] : await ClaimAsync(campaign, plan, pending, cancellationToken);
    }

    private async Task<List<RecipientRow>> ClaimAsync(CampaignRow campaign, CampaignPlan plan, List<RecipientRow> pending, CancellationToken cancellationToken)
    {

        var ids = pending.Select(r => r.CustomerId).ToList();
        var reach = (await facts.ReachAsync(ids, cancellationToken)).ToDictionary(r => r.Id);
        var nowAt = time.GetUtcNow();
        var now = nowAt.ToUnixTimeMilliseconds();
        var cap = Cap;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var unsubscribed = (await db.Unsubscribes.AsNoTracking().Where(u => ids.Contains(u.CustomerId)).Select(u => new { u.CustomerId, u.Channel, u.At }).ToListAsync(cancellationToken))
            .ToLookup(u => u.CustomerId, u => (u.Channel, u.At));
        var choices = new Dictionary<Guid, (ChannelChoice? Choice, string? Held)>();
        var winner = WinnerOf(campaign);
        foreach (var row in pending)
        {
            var id = row.CustomerId;
            choices[id] = reach.TryGetValue(id, out var customer)
                ? Audience.Choose(customer, Split.ChannelsOf(plan, row.Variant, winner), Audience.StillUnsubscribed(customer, unsubscribed[id]), now)
                : (null, HoldReason.Gone);
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var chosen = choices.Where(c => c.Value.Choice is not null).Select(c => c.Key).Order().ToList();
        await LockCustomersAsync(db, chosen, cancellationToken);
        var since = cap.Since(now);
        var counts = chosen.Count == 0 ? new Dictionary<Guid, int>()
            : (await db.Contacts.AsNoTracking().Where(c => chosen.Contains(c.CustomerId) && c.At > since)
                .GroupBy(c => c.CustomerId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(c => c.Key, c => c.Count);
        var claimed = new List<RecipientRow>();
        foreach (var row in pending)
        {
            db.Recipients.Attach(row);
            var (choice, held) = choices[row.CustomerId];
            if (choice is not null && !cap.Allows(counts.GetValueOrDefault(row.CustomerId)))
            {
                held = HoldReason.FrequencyCap;
            }

            if (held is not null)
            {
                row.Status = RecipientStatus.Held;
                row.Reason = held;
                row.DoneAt = now;
                continue;
            }

            row.Status = RecipientStatus.Claimed;
            row.Channel = choice!.Plan.Channel;
            row.Account = choice.Plan.Account;
            row.Address = choice.Address;
            row.ClaimedAt = now;
            db.Contacts.Add(new ContactRow { CustomerId = row.CustomerId, CampaignId = campaign.Id, Channel = row.Channel, At = now });
            claimed.Add(row);
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return claimed;
    }

    private static async Task LockCustomersAsync(CampaignsDbContext db, List<Guid> customers, CancellationToken cancellationToken)
    {
        // SQLite: the transaction began IMMEDIATE and holds the database's write lock already.
        if (customers.Count == 0 || db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) != true)
        {
            return;
        }

        var keys = customers.Select(c => BitConverter.ToInt64(c.ToByteArray(), 0)).Order().ToArray();
        foreach (var key in keys)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
        }
    }

    private async Task SendAsync(CampaignRow campaign, CampaignPlan plan, List<RecipientRow> claimed, CancellationToken cancellationToken)
    {
        var reach = (await facts.ReachAsync([.. claimed.Select(r => r.CustomerId)], cancellationToken)).ToDictionary(r => r.Id);
        var outcomes = new ConcurrentDictionary<Guid, SendResult>();
        var winner = WinnerOf(campaign);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = options.Value.SendParallelism, CancellationToken = cancellationToken },
            async (row, ct) => outcomes[row.CustomerId] = await SendOneAsync(campaign, plan, winner, row, reach.GetValueOrDefault(row.CustomerId), ct));

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var released = new List<Guid>();
        foreach (var row in claimed)
        {
            db.Recipients.Attach(row);
            var result = outcomes[row.CustomerId];
            row.Attempts++;
            row.ChannelMessageId = result.ChannelMessageId ?? row.ChannelMessageId;
            if (result.Status is SendStatus.Sent or SendStatus.AlreadySent)
            {
                row.Status = RecipientStatus.Sent;
                row.Reason = null;
                row.DoneAt = now;
            }
            else if (result.Retriable && row.Attempts < options.Value.MaxAttempts)
            {
                row.Reason = Reason(result.Status);
                row.NextAttemptAt = now + (long)TimeSpan.FromSeconds(Math.Pow(2, row.Attempts)).TotalMilliseconds;
            }
            else
            {
                row.Status = RecipientStatus.Failed;
                row.Reason = Reason(result.Status);
                row.Detail = result.Detail is { Length: > 500 } d ? d[..500] : result.Detail;
                row.DoneAt = now;
                // Nothing reached the customer (unless the outcome is unknown): the message does not count against their cap.
                if (result.Status is not (SendStatus.Uncertain or SendStatus.InProgress))
                {
                    released.Add(row.CustomerId);
                }
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        if (released.Count > 0)
        {
            await db.Contacts.Where(c => c.CampaignId == campaign.Id && released.Contains(c.CustomerId)).ExecuteDeleteAsync(CancellationToken.None);
        }
    }

    private async Task<SendResult> SendOneAsync(CampaignRow campaign, CampaignPlan plan, string? winner, RecipientRow row, CustomerReach? customer, CancellationToken cancellationToken)
    {
        if (channels.FirstOrDefault(c => c.Channel == row.Channel) is not { } channel)
        {
            return new SendResult(SendStatus.NotConfigured, Detail: $"No {row.Channel} channel is installed.");
        }

        if (customer is null || Split.ChannelsOf(plan, row.Variant, winner).FirstOrDefault(c => c.Channel == row.Channel) is not { } channelPlan)
        {
            return new SendResult(SendStatus.RecipientUnavailable, Detail: "The customer or the channel left the campaign.");
        }

        await throttle.WaitAsync(row.Channel!, cancellationToken);
        var unsubscribe = links.For(campaign.Id, row.CustomerId, row.Channel!);
        var link = tracked.For(campaign.Id, row.CustomerId, row.Channel!).ToString();
        var content = ContentRenderer.ToOutbound(renderer.Render(channelPlan, customer, campaign.Name, unsubscribe.ToString(), link), unsubscribe.ToString());
        var message = new OutboundMessage(row.Channel!, row.Account!, row.Address!, IdempotencyKey(campaign.Id, row.CustomerId, row.Step), content)
        {
            LastInboundAt = customer.LastInboundAt is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
        };
        try
        {
            return await channel.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException)
        {
            LogSendError(log, row.Channel!, ex.GetType().Name);
            return new SendResult(SendStatus.Unavailable, Detail: "The channel could not be reached.");
        }
    }

    /// <summary>
    /// Enrolls a customer in a running campaign sent on entry: their recipient row (pending, or held
    /// as the holdout), once per campaign × customer. Returns whether the row is new and pending.
    /// </summary>
    public async Task<bool> EnrollAsync(CampaignRow campaign, Guid customerId, CancellationToken cancellationToken)
    {
        var plan = CampaignStore.PlanOf(campaign);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var variant = Split.Assign(campaign.Id, customerId, plan);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Recipients.AnyAsync(r => r.CampaignId == campaign.Id && r.CustomerId == customerId, cancellationToken))
        {
            return false;
        }

        db.Recipients.Add(variant == Split.Holdout
            ? new RecipientRow { CampaignId = campaign.Id, CustomerId = customerId, Status = RecipientStatus.Held, Reason = HoldReason.Holdout, Variant = variant, Step = FirstStep, DoneAt = now }
            : new RecipientRow { CampaignId = campaign.Id, CustomerId = customerId, Status = RecipientStatus.Pending, Variant = variant, Step = FirstStep });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Enrolled meanwhile by another step.
            return false;
        }

        await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Audience, c => (c.Audience ?? 0) + 1), cancellationToken);
        return variant != Split.Holdout;
    }

    /// <summary>
    /// Sends one enrolled recipient of a campaign now: claims them (consent, channel, frequency cap, as
    /// for any recipient) and sends under the same key as a bulk send, so a step run again sends nothing
    /// twice. Returns what became of them; a recipient already done is answered as it stands.
    /// </summary>
    public async Task<RecipientRow?> SendNowAsync(CampaignRow campaign, Guid customerId, CancellationToken cancellationToken)
    {
        var plan = CampaignStore.PlanOf(campaign);
        RecipientRow? row;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            row = await db.Recipients.AsNoTracking().FirstOrDefaultAsync(r => r.CampaignId == campaign.Id && r.CustomerId == customerId, cancellationToken);
        }

        List<RecipientRow> claimed = row?.Status switch
        {
            RecipientStatus.Pending => await ClaimAsync(campaign, plan, [row!], cancellationToken),
            RecipientStatus.Claimed => [row!],
            _ => [],
        };
        if (claimed.Count > 0)
        {
            await SendAsync(campaign, plan, claimed, cancellationToken);
        }

        await using var after = await contexts.CreateDbContextAsync(cancellationToken);
        return await after.Recipients.AsNoTracking().FirstOrDefaultAsync(r => r.CampaignId == campaign.Id && r.CustomerId == customerId, cancellationToken);
    }

    /// <summary>The A/B test's winner once picked (its remainder sends the winner's channels and content).</summary>
    public static string? WinnerOf(CampaignRow campaign) =>
        campaign.Decision is { } json ? System.Text.Json.JsonSerializer.Deserialize<StoredDecision>(json, PlanRules.Json)?.Winner : null;

    /// <summary>A send status as a report reason: <c>QuotaExceeded</c> → <c>quota-exceeded</c>.</summary>
    public static string Reason(SendStatus status) =>
        string.Concat(status.ToString().Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {Campaign} started with {Recipients} recipients")]
    private static partial void LogStarted(ILogger logger, Guid campaign, int recipients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {Campaign} completed")]
    private static partial void LogCompleted(ILogger logger, Guid campaign);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A campaign send on {Channel} failed before the channel answered ({Error})")]
    private static partial void LogSendError(ILogger logger, string channel, string error);
}
