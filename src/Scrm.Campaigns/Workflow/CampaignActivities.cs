using Scrm.Platform.Text;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Campaigns.Segments.Watch;
using Scrm.Campaigns.Sending;
using Scrm.Campaigns.Storage;
using Scrm.Platform.Effects;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;

namespace Scrm.Campaigns.Workflow;

[Activity("trigger.segment", Kinds = ActivityKinds.Trigger,
    Description = "Start when a customer enters or leaves a saved segment (any saved segment unless one is named). The input has segmentId, customerId, event, enteredAt and at; the usual correlation id is input.customerId.")]
internal sealed class SegmentTrigger : TriggerActivity
{
    [Input(Required = true, Description = "entered or left.")]
    public Input<string> On { get; init; } = new();

    [Input(Description = "The saved segment's id; any saved segment when absent.")]
    public Input<string> Segment { get; init; } = new();

    public override TriggerStimulus? Stimulus(ActivityDefinition definition) =>
        new(SegmentWatch.StimulusName(Literal(definition, "on") ?? ""), Literal(definition, "segment") is { } s && Guid.TryParse(s, out var id) ? id.ToString("D") : "");

    public override IEnumerable<UserText> Validate(ActivityDefinition definition)
    {
        foreach (var error in base.Validate(definition))
        {
            yield return error;
        }

        if (Literal(definition, "on") is not (SegmentWatch.Entered or SegmentWatch.Left))
        {
            yield return new("输入“on”必须是 entered（进入分群）或 left（离开分群）", "input 'on' must be 'entered' or 'left'.");
        }

        if (definition.Inputs.ContainsKey("segment") && !Guid.TryParse(Literal(definition, "segment"), out _))
        {
            yield return new("输入“segment”必须是已保存分群的 id", "input 'segment' must be a saved segment's id.");
        }
    }
}

[Activity("campaign.enroll", Kinds = ActivityKinds.SideEffect, Outcomes = ["enrolled", "none"],
    Description = "Enrolls a customer who entered a segment in every running campaign sent on entry to that segment (once per campaign × customer; the A/B split and holdout apply). Outputs campaigns: the ids of those to send to now.")]
internal sealed class EnrollInCampaigns(IDbContextFactory<CampaignsDbContext> contexts, IServiceScopeFactory scopes) : Activity
{
    [Input(Required = true, Description = "The segment entered, usually {\"js\": \"input.segmentId\"}.")]
    public Input<string> SegmentId { get; init; } = new();

    [Input(Required = true, Description = "The customer, usually {\"js\": \"input.customerId\"}.")]
    public Input<string> CustomerId { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var segment = CampaignSteps.Id(context.Get(SegmentId), "campaign.enroll", "segmentId");
        var customer = CampaignSteps.Id(context.Get(CustomerId), "campaign.enroll", "customerId");
        var enrolled = await context.RunEffectAsync(new JsonObject { ["segmentId"] = segment.ToString("D"), ["customerId"] = customer.ToString("D") },
            async (_, ct) =>
            {
                List<CampaignRow> running;
                await using (var db = await contexts.CreateDbContextAsync(ct))
                {
                    running = await db.Campaigns.AsNoTracking().Where(c => c.SegmentId == segment && c.Status == CampaignStatus.Running)
                        .OrderBy(c => c.Id).ToListAsync(ct);
                }

                var ids = new List<string>();
                await using var scope = scopes.CreateAsyncScope();
                var sender = scope.ServiceProvider.GetRequiredService<CampaignSender>();
                foreach (var campaign in running.Where(c => CampaignStore.PlanOf(c).OnEntry))
                {
                    // Enrolled by an earlier run (a re-entry): only a recipient still pending is sent to.
                    await sender.EnrollAsync(campaign, customer, ct);
                    await using var db = await contexts.CreateDbContextAsync(ct);
                    if (await db.Recipients.AnyAsync(r => r.CampaignId == campaign.Id && r.CustomerId == customer && r.Status == RecipientStatus.Pending, ct))
                    {
                        ids.Add(campaign.Id.ToString("D"));
                    }
                }

                return new Effect<List<string>>(ids, false);
            });
        var campaigns = enrolled ?? [];
        context.SetOutput("campaigns", new JsonArray([.. campaigns.Select(c => JsonValue.Create(c))]));
        context.Complete(campaigns.Count > 0 || context.DryRun ? "enrolled" : "none");
    }
}

[Activity("campaign.send", Kinds = ActivityKinds.SideEffect | ActivityKinds.Wait, Outcomes = ["sent", "held", "failed", "left"],
    Description = "Sends a campaign's message to one enrolled customer: the channel is chosen from what they can receive in the campaign's order, consent, unsubscribes and the frequency cap are checked, and in the campaign's quiet hours the step waits for them to end. With segmentId, a customer who left that segment (before or while waiting) gets nothing and it follows 'left'. Outputs status, channel and reason.")]
internal sealed class SendCampaignMessage(IDbContextFactory<CampaignsDbContext> contexts, IServiceScopeFactory scopes, SegmentWatch watch) : Activity
{
    [Input(Required = true, Description = "The campaign, e.g. {\"js\": \"outputs.each.item\"}.")]
    public Input<string> CampaignId { get; init; } = new();

    [Input(Required = true, Description = "The customer, usually {\"js\": \"input.customerId\"}.")]
    public Input<string> CustomerId { get; init; } = new();

    [Input(Description = "The segment the customer must still be in, usually {\"js\": \"input.segmentId\"}.")]
    public Input<string> SegmentId { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context) => TryAsync(context);

    public override ValueTask ResumeAsync(ActivityContext context)
    {
        if (context.Resumed?.Tag == SegmentWatch.Left)
        {
            context.SetOutput("status", "left");
            context.Complete("left");
            return ValueTask.CompletedTask;
        }

        return TryAsync(context);
    }

    private async ValueTask TryAsync(ActivityContext context)
    {
        var campaignId = CampaignSteps.Id(context.Get(CampaignId), "campaign.send", "campaignId");
        var customer = CampaignSteps.Id(context.Get(CustomerId), "campaign.send", "customerId");
        Guid? segment = SegmentId.IsSet && context.Get(SegmentId) is { Length: > 0 } s ? CampaignSteps.Id(s, "campaign.send", "segmentId") : null;
        CampaignRow? campaign;
        await using (var db = await contexts.CreateDbContextAsync(context.CancellationToken))
        {
            campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, context.CancellationToken);
        }

        if (campaign is null)
        {
            throw new ActivityInputException(new UserText("campaign.send：没有 ID 为 {0:D} 的营销活动。", "campaign.send: there is no campaign {0:D}.").Filled(campaignId));
        }

        if (segment is { } seg && !context.DryRun && !await watch.IsMemberAsync(seg, customer, context.CancellationToken))
        {
            context.SetOutput("status", "left");
            context.Complete("left");
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<CampaignSender>();
        var now = context.Time.GetUtcNow();
        var quiet = sender.QuietHoursOf(CampaignStore.PlanOf(campaign));
        if (quiet.Contains(now))
        {
            var until = quiet.EndAfter(now);
            context.SetOutput("waitingUntil", until.ToString("O", CultureInfo.InvariantCulture));
            context.Suspend(new BookmarkRequest(TimerStimulus.Name, "", until, "quiet"));
            if (segment is { } left)
            {
                context.Suspend(new BookmarkRequest(SegmentWatch.StimulusName(SegmentWatch.Left), SegmentWatch.Key(left, customer), Tag: SegmentWatch.Left));
            }

            return;
        }

        var row = await context.RunEffectAsync(new JsonObject { ["campaignId"] = campaignId.ToString("D"), ["customerId"] = customer.ToString("D") },
            async (_, ct) => new Effect<RecipientRow?>(campaign.Status == CampaignStatus.Running ? await sender.SendNowAsync(campaign, customer, ct) : null, false));
        if (context.DryRun)
        {
            context.Complete("sent");
            return;
        }

        var (status, outcome) = row?.Status switch
        {
            RecipientStatus.Sent => ("sent", "sent"),
            RecipientStatus.Held => ("held", "held"),
            RecipientStatus.Failed => ("failed", "failed"),
            RecipientStatus.Claimed => ("retrying", "failed"),
            null => ("notEnrolled", "held"),
            _ => (row.Status, "held"),
        };
        context.SetOutput("status", status);
        context.SetOutput("channel", row?.Channel);
        context.SetOutput("reason", row is null ? (campaign.Status == CampaignStatus.Running ? "not-enrolled" : "not-running") : row.Reason);
        context.Complete(outcome);
    }
}

[Activity("campaign.waitForEngagement", Kinds = ActivityKinds.Wait, Outcomes = ["clicked", "left", "timeout"],
    Description = "After a campaign message, waits for the customer to click its link ('clicked'), to leave the segment ('left', with segmentId) or for the time given to pass ('timeout', a durable timer).")]
internal sealed class WaitForEngagement(IDbContextFactory<CampaignsDbContext> contexts) : Activity
{
    [Input(Required = true)]
    public Input<string> CampaignId { get; init; } = new();

    [Input(Required = true)]
    public Input<string> CustomerId { get; init; } = new();

    [Input(Description = "The segment whose leaving ends the wait.")]
    public Input<string> SegmentId { get; init; } = new();

    [Input(Required = true, Description = "How long to wait ('3.00:00:00').")]
    public Input<TimeSpan> Within { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var campaign = CampaignSteps.Id(context.Get(CampaignId), "campaign.waitForEngagement", "campaignId");
        var customer = CampaignSteps.Id(context.Get(CustomerId), "campaign.waitForEngagement", "customerId");
        var within = context.Get(Within);
        await using (var db = await contexts.CreateDbContextAsync(context.CancellationToken))
        {
            if (await db.Clicks.AnyAsync(c => c.CampaignId == campaign && c.CustomerId == customer, context.CancellationToken))
            {
                context.Complete("clicked");
                return;
            }
        }

        context.Suspend(new BookmarkRequest(CampaignSteps.Clicked, CampaignSteps.ClickKey(campaign, customer), Tag: "clicked"));
        context.Suspend(new BookmarkRequest(TimerStimulus.Name, "", context.Time.GetUtcNow() + within, "timeout"));
        if (SegmentId.IsSet && context.Get(SegmentId) is { Length: > 0 } s)
        {
            context.Suspend(new BookmarkRequest(SegmentWatch.StimulusName(SegmentWatch.Left), SegmentWatch.Key(CampaignSteps.Id(s, "campaign.waitForEngagement", "segmentId"), customer),
                Tag: SegmentWatch.Left));
        }
    }

    public override ValueTask ResumeAsync(ActivityContext context)
    {
        context.Complete(context.Resumed?.Tag switch { "clicked" => "clicked", SegmentWatch.Left => "left", _ => "timeout" });
        return ValueTask.CompletedTask;
    }
}

/// <summary>What the campaign steps share: ids from inputs, and the click stimulus.</summary>
internal static class CampaignSteps
{
    public const string Clicked = "campaign.clicked";

    public static string ClickKey(Guid campaign, Guid customer) => campaign.ToString("D") + "/" + customer.ToString("D");

    public static Guid Id(string? value, string step, string input) =>
        Guid.TryParse(value, out var id) ? id : throw new ActivityInputException(new UserText("{0} 需要 '{1}'（一个 ID），得到的是 '{2}'。", "{0} needs '{1}', an id; it got '{2}'.").Filled(step, input, value));
}
