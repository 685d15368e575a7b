using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Campaigns.Storage;

namespace Scrm.Campaigns.Sending;

/// <summary>How a pick went.</summary>
internal enum PickOutcome { Picked, NoTest, NotStarted, AlreadyDecided, UnknownVariant, NoWinner }

/// <summary>
/// An A/B test's figures for its metric, and the pick of its winner: stored once on the campaign,
/// and the recipients who waited outside the test become pending with the winner's content, in one
/// transaction. After the test period the runner picks the leader even without a significant
/// difference (the remainder gets the better-looking variant rather than nothing), saying so.
/// </summary>
internal sealed partial class WinnerPicker(IDbContextFactory<CampaignsDbContext> contexts, CampaignInsight insight, TimeProvider time, ILogger<WinnerPicker> log)
{
    public const string Significant = "significant";
    public const string PeriodEnded = "period-ended";
    public const string Chosen = "chosen";

    /// <summary>The metric's figures per variant and what the rule says of them now; null without a winner test.</summary>
    public async Task<WinnerDecision?> FiguresAsync(CampaignRow campaign, CancellationToken cancellationToken)
    {
        var plan = CampaignStore.PlanOf(campaign);
        if (plan is not { Test: { } test, Variants: { Count: >= 2 } variants })
        {
            return null;
        }

        var report = await insight.ReportAsync(campaign, cancellationToken);
        var figures = variants.Select(v => test.Metric == WinnerRule.Conversion
            ? report.Results?.Variants.GetValueOrDefault(v.Name) is { } r ? new VariantFigures(v.Name, r.Figures.Recipients, r.Figures.Converted) : new VariantFigures(v.Name, 0, 0)
            : report.Variants.GetValueOrDefault(v.Name) is { } c ? new VariantFigures(v.Name, c.Sent, c.Clicked) : new VariantFigures(v.Name, 0, 0)).ToList();
        return WinnerRule.Decide(figures, test.Metric, test.MinSample, test.Confidence);
    }

    /// <summary>When the test period ends (null before the start or without a test).</summary>
    public static DateTimeOffset? DecideAt(CampaignRow campaign) =>
        CampaignStore.PlanOf(campaign).Test is { } test && campaign.StartedAt is { } started
            ? DateTimeOffset.FromUnixTimeMilliseconds(started).AddHours(test.Hours)
            : null;

    public static StoredDecision? DecisionOf(CampaignRow campaign) =>
        campaign.Decision is { } json ? JsonSerializer.Deserialize<StoredDecision>(json, PlanRules.Json) : null;

    /// <summary>Picks the winner: <paramref name="chosen"/> when a marketer names it, else the rule's winner, else (after the period) the leader.</summary>
    public async Task<(PickOutcome Outcome, StoredDecision? Decision, WinnerDecision? Figures)> PickAsync(
        CampaignRow campaign, string? chosen, bool periodEnded, string by, CancellationToken cancellationToken)
    {
        var plan = CampaignStore.PlanOf(campaign);
        if (plan.Test is null || plan.Variants is null)
        {
            return (PickOutcome.NoTest, null, null);
        }

        if (campaign.StartedAt is null)
        {
            return (PickOutcome.NotStarted, null, null);
        }

        if (DecisionOf(campaign) is { } made)
        {
            return (PickOutcome.AlreadyDecided, made, made.Figures);
        }

        if (chosen is not null && plan.Variants.All(v => v.Name != chosen))
        {
            return (PickOutcome.UnknownVariant, null, null);
        }

        var figures = (await FiguresAsync(campaign, cancellationToken))!;
        var winner = chosen ?? figures.Winner ?? (periodEnded ? figures.Leader : null);
        if (winner is null)
        {
            return (PickOutcome.NoWinner, null, figures);
        }

        var decision = new StoredDecision(winner, chosen is not null ? Chosen : figures.Winner is not null ? Significant : PeriodEnded, time.GetUtcNow(), by, figures);
        var json = JsonSerializer.Serialize(decision, PlanRules.Json);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.Campaigns.Where(c => c.Id == campaign.Id && c.Decision == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Decision, json).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);
        if (stored == 0)
        {
            var now = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaign.Id).Select(c => c.Decision).FirstOrDefaultAsync(cancellationToken);
            var other = now is null ? null : JsonSerializer.Deserialize<StoredDecision>(now, PlanRules.Json);
            return (PickOutcome.AlreadyDecided, other, other?.Figures);
        }

        var released = await db.Recipients.Where(r => r.CampaignId == campaign.Id && r.Status == RecipientStatus.Waiting)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RecipientStatus.Pending), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        LogPicked(log, campaign.Id, winner, decision.How, released);
        return (PickOutcome.Picked, decision, figures);
    }

    /// <summary>The runner's turn: a running campaign whose test period has ended gets its winner.</summary>
    public async Task<bool> PickIfDueAsync(Guid campaignId, CancellationToken cancellationToken)
    {
        CampaignRow? campaign;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        }

        if (campaign is not { Status: CampaignStatus.Running, Decision: null } || DecideAt(campaign) is not { } at || at > time.GetUtcNow())
        {
            return false;
        }

        return (await PickAsync(campaign, null, periodEnded: true, "system", cancellationToken)).Outcome == PickOutcome.Picked;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {Campaign}: variant {Winner} won ({How}); {Released} waiting recipients get it")]
    private static partial void LogPicked(ILogger logger, Guid campaign, string winner, string how, int released);
}
