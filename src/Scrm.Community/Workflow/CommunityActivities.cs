using Scrm.Platform.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Assignment;
using Scrm.Community.Calendar;
using Scrm.Community.Classification;
using Scrm.Community.Conversations;
using Scrm.Community.Replies;
using Scrm.Community.Storage;
using Scrm.Community.Satisfaction;
using Scrm.Platform.Effects;
using Scrm.Platform.Security;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Runtime;

namespace Scrm.Community.Workflow;

[Activity("community.classify",
    Description = "Classifies a customer's text: intent, sentiment and topics, with the model version that decided. A message the inbox stored (sourceKey) keeps the classification shown on its conversation.")]
internal sealed class ClassifyText(TextClassifier classifier, ClassifierLoader loader, IDbContextFactory<CommunityDbContext> contexts) : Activity
{
    [Input(Required = true, Description = "The customer's text, usually {\"js\": \"input.text || ''\"}.")]
    public Input<string> Text { get; init; } = new();

    [Input(Description = "The stored message's key (input.sourceKey of community.waiting): its stored classification is used.")]
    public Input<string> SourceKey { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var text = context.Get(Text) ?? "";
        var sourceKey = SourceKey.IsSet ? context.Get(SourceKey) : null;
        TextClassification? classification = null;
        if (sourceKey is { Length: > 0 })
        {
            await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
            var stored = await db.Messages.AsNoTracking().Where(m => m.SourceKey == sourceKey && m.Intent != null)
                .Select(m => new { m.Intent, m.Sentiment, m.Topics, m.Model }).SingleOrDefaultAsync(context.CancellationToken);
            if (stored is not null)
            {
                classification = new TextClassification(stored.Intent!, stored.Sentiment ?? Taxonomy.Sentiments.Neutral,
                    stored.Topics is null ? [] : JsonSerializer.Deserialize<string[]>(stored.Topics) ?? [], stored.Model ?? "");
            }
        }

        if (classification is null)
        {
            await loader.ReadyAsync(context.CancellationToken);
            classification = classifier.Classify(text.Length <= InboundMessages.MaxText ? text : text[..InboundMessages.MaxText]);
        }

        context.SetOutput("intent", classification.Intent);
        context.SetOutput("sentiment", classification.Sentiment);
        context.SetOutput("topics", new JsonArray([.. classification.Topics.Select(t => JsonValue.Create(t))]));
        context.SetOutput("model", classification.Model);
        context.Complete();
    }
}

[Activity("community.lead", Kinds = ActivityKinds.SideEffect,
    Description = "Hands a buying customer's chat message to lead conversion: it reaches the workflows that start on a mention (lead-conversion) once, marked with the purchase intent.")]
internal sealed class HandToLeads(IServiceProvider services) : Activity
{
    [Input(Required = true, Description = "The community.waiting input (conversation, channel, contact, text, position).")]
    public Input<JsonObject> Message { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var message = context.Get(Message) ?? throw new ActivityInputException(CommunityStepTexts.NoMessage);
        var channel = (string?)message["channel"] ?? "";
        var item = new JsonObject
        {
            ["kind"] = "mention",
            ["channel"] = channel,
            ["account"] = (string?)message["account"],
            ["position"] = message["position"]?.DeepClone(),
            ["occurredAt"] = message["at"]?.DeepClone(),
            ["intent"] = "purchase",
            ["payload"] = new JsonObject
            {
                ["source"] = channel,
                ["externalId"] = message["externalId"]?.DeepClone(),
                ["author"] = new JsonObject { ["id"] = message["contact"]?.DeepClone(), ["name"] = message["contactName"]?.DeepClone() },
                ["text"] = message["text"]?.DeepClone(),
                ["createdAt"] = message["at"]?.DeepClone(),
            },
        };
        var key = "community:lead:" + ((string?)message["sourceKey"] ?? context.IdempotencyKey);
        var result = await context.RunRemoteEffectAsync(item, async (_, ct) =>
        {
            if (services.GetService(typeof(WorkflowRuntime)) is not WorkflowRuntime runtime)
            {
                return new JsonObject { ["started"] = 0 };
            }

            var dispatched = await runtime.DispatchAsync([new Stimulus("mention.received", [channel, ""], item, key)], keepUnmatched: false, ct);
            return new JsonObject { ["started"] = dispatched.Started };
        });
        context.SetOutput("started", result?["started"]?.DeepClone());
        context.Complete();
    }
}

[Activity("community.assign", Kinds = ActivityKinds.SideEffect, Outcomes = ["assigned", "unassigned"],
    Description = "Makes sure one agent answers the conversation (the routing decision when nobody has it) and works out its service-level moments in business hours: the warning (80 % of the first-response target), the breach (100 %, the team lead) and the manager's turn.")]
internal sealed class AssignConversation(IDbContextFactory<CommunityDbContext> contexts, AgentTeams teams, WorkingCalendars calendars, ServiceTargets targets) : Activity
{
    [Input(Required = true, Description = "The conversation, usually {\"js\": \"input.conversationId\"}.")]
    public Input<long?> ConversationId { get; init; } = new();

    [Input(Description = "What the customer wants (community.classify's intent); it sets the first-response target.")]
    public Input<string> Intent { get; init; } = new();

    [Input(Description = "The customer's value tier (high_value, high_contribution, general, dormant); the conversation's when absent. With the intent and the channel it picks the service-level target.")]
    public Input<string> Tier { get; init; } = new();

    [Input(Description = "The channel (wechat, wecom, weibo, web); the conversation's when absent.")]
    public Input<string> Channel { get; init; } = new();

    [Input(Description = "When the customer began to wait (ISO 8601); now when absent.")]
    public Input<DateTimeOffset?> WaitingSince { get; init; } = new();

    [Input(Description = "Share of the target at which the agent is warned (default 0.8).")]
    public Input<double?> WarnShare { get; init; } = new();

    [Input(Description = "Share of the target at which the manager hears of it (default 2: one more target after the breach).")]
    public Input<double?> ManagerShare { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var id = context.Get(ConversationId);
        var intent = context.Get(Intent);
        var since = context.Get(WaitingSince) ?? context.Time.GetUtcNow();
        var warn = context.Get(WarnShare) ?? 0.8;
        var manager = context.Get(ManagerShare) ?? 2;
        if (warn is <= 0 or >= 1 || manager < 1)
        {
            throw new ActivityInputException(CommunityStepTexts.Shares.Filled(warn, manager));
        }

        var (tier, channel) = (context.Get(Tier), context.Get(Channel));
        if ((tier is null || channel is null) && id is { } known)
        {
            await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
            var row = await db.Conversations.AsNoTracking().Where(c => c.Id == known).Select(c => new { c.Tier, c.Channel }).SingleOrDefaultAsync(context.CancellationToken);
            (tier, channel) = (tier ?? row?.Tier, channel ?? row?.Channel);
        }

        var table = await targets.FreshAsync(context.CancellationToken);
        var target = table.For(intent, tier, channel);
        var calendar = await calendars.FreshAsync(context.CancellationToken);
        var moments = ServiceLevels.Moments(target, since, calendar, warn, manager)
            ?? ServiceLevels.Moments(table.For(null, null, null), since, calendar, warn, manager)
            ?? ServiceLevels.Moments(ServiceTargetTable.Default.For(null, null, null), since, calendar, warn, manager)!;
        context.SetOutput("warnAt", Iso(moments.WarnAt));
        context.SetOutput("dueAt", Iso(moments.DueAt));
        context.SetOutput("managerAt", Iso(moments.ManagerAt));
        context.SetOutput("owed", target.FirstResponse is not null);
        context.SetOutput("targetMinutes", target.FirstResponseMinutes);
        if (id is not { } conversationId)
        {
            if (!context.DryRun)
            {
                throw new ActivityInputException(CommunityStepTexts.NoConversation.Filled("community.assign"));
            }

            context.SetOutput("assignee", null);
            context.Complete("unassigned");
            return;
        }

        var outcome = await context.RunEffectAsync(new JsonObject { ["conversationId"] = conversationId }, (_, ct) => EnsureAssignedAsync(conversationId, context.Time.GetUtcNow(), ct));
        var (teamLead, managerId) = teams.EscalationOf(outcome?.Team);
        context.SetOutput("assignee", outcome?.Assignee);
        context.SetOutput("team", outcome?.Team);
        context.SetOutput("teamLead", teamLead);
        context.SetOutput("manager", managerId);
        context.Complete(outcome?.Assignee is null ? "unassigned" : "assigned");
    }

    private async Task<Effect<AssignedTo>> EnsureAssignedAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var c = await db.Conversations.SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
            if (c is null || c.Assignee is not null || c.Status != ConversationStatus.Open)
            {
                return new Effect<AssignedTo>(new AssignedTo(c?.Assignee, c?.Team), false);
            }

            await ConversationHandler.RouteAsync(db, teams, now, [c], cancellationToken);
            if (c.Assignee is null)
            {
                return new Effect<AssignedTo>(new AssignedTo(null, null), false);
            }

            c.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new Effect<AssignedTo>(new AssignedTo(c.Assignee, c.Team), false);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Someone assigned or changed it meanwhile: look again.
            }
        }
    }

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private sealed record AssignedTo(string? Assignee, string? Team);
}

[Activity("community.waitForReply", Kinds = ActivityKinds.Wait, Outcomes = ["answered", "due"],
    Description = "Waits until the conversation is answered (a reply or its resolution: community.answered) or the moment given comes (a durable timer, kept across restarts).")]
internal sealed class WaitForReply : Activity
{
    [Input(Description = "The conversation whose answer ends the wait; the instance's correlation id when absent.")]
    public Input<long?> ConversationId { get; init; } = new();

    [Input(Required = true, Description = "When the wait gives up and follows 'due' (ISO 8601, e.g. outputs.assign.warnAt).")]
    public Input<DateTimeOffset> Until { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var until = context.Get(Until);
        if (until <= context.Time.GetUtcNow())
        {
            context.Complete("due");
            return ValueTask.CompletedTask;
        }

        var correlation = context.Get(ConversationId) is { } id ? CommunityEvents.Correlation(id) : context.CorrelationId ?? "";
        context.Suspend(new BookmarkRequest(EventStimulus.Prefix + CommunityEvents.Answered, correlation, Tag: "answered"));
        context.Suspend(new BookmarkRequest(TimerStimulus.Name, "", until, "due"));
        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityContext context)
    {
        context.Complete(context.Resumed?.Tag == "due" ? "due" : "answered");
        return ValueTask.CompletedTask;
    }
}

[Activity("community.escalate", Kinds = ActivityKinds.SideEffect, Outcomes = ["escalated", "answered"],
    Description = "Tells the right person that a customer still waits for a first response: level 'warning' the agent, 'teamLead' the team lead, 'manager' the manager. Answered meanwhile (or waiting on a later message), nobody is told and it follows 'answered'.")]
internal sealed class EscalateConversation(ServiceLevelAlerts alerts) : Activity
{
    [Input(Required = true)]
    public Input<long?> ConversationId { get; init; } = new();

    [Input(Required = true, Description = "warning, teamLead or manager.")]
    public Input<string> Level { get; init; } = new();

    [Input(Description = "The message the wait began with (input.sourceKey): a wait that began later is another workflow's.")]
    public Input<string> WaitingKey { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var level = context.Get(Level) ?? "";
        if (!AlertLevels.All.Contains(level))
        {
            throw new ActivityInputException(CommunityStepTexts.Level.Filled(string.Join(", ", AlertLevels.All), level));
        }

        var id = context.Get(ConversationId);
        var waitingKey = WaitingKey.IsSet ? context.Get(WaitingKey) : null;
        if (id is not { } conversationId)
        {
            if (!context.DryRun)
            {
                throw new ActivityInputException(CommunityStepTexts.NoConversation.Filled("community.escalate"));
            }

            context.SetOutput("dryRun", true);
            context.Complete("escalated");
            return;
        }

        var outcome = await context.RunEffectAsync(new JsonObject { ["conversationId"] = conversationId, ["level"] = level },
            (key, ct) => alerts.AlertAsync(conversationId, level, waitingKey, key, ct));
        context.SetOutput("notified", outcome is null ? null : new JsonArray([.. outcome.Notified.Select(n => JsonValue.Create(n))]));
        context.Complete(outcome is { StillWaiting: false } ? "answered" : "escalated");
    }

    private static readonly UserText LevelProblem = new("输入“level”必须是以下之一：{0}", "input 'level' must be one of {0}.");

    public override IEnumerable<UserText> Validate(ActivityDefinition definition) =>
        definition.Inputs.TryGetValue("level", out var level) && level.Kind == InputKind.Literal && level.Literal is JsonValue v
            && v.TryGetValue<string>(out var s) && !AlertLevels.All.Contains(s)
            ? [LevelProblem.Filled(string.Join(", ", AlertLevels.All))]
            : [];
}

[Activity("community.reply", Kinds = ActivityKinds.SideEffect, Outcomes = ["sent", "notSent"],
    Description = "Replies to the customer through the conversation's channel, once (the step's key is the reply's): text, or a WeChat template outside the 48-hour window.")]
internal sealed class ReplyToCustomer(ReplyService replies) : Activity
{
    [Input(Required = true)]
    public Input<long?> ConversationId { get; init; } = new();

    [Input(Description = "The reply's text.")]
    public Input<string> Text { get; init; } = new();

    [Input(Description = "A WeChat template id instead of text.")]
    public Input<string> TemplateId { get; init; } = new();

    [Input(Description = "The template's values.")]
    public Input<JsonObject> Values { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var text = Text.IsSet ? context.Get(Text) : null;
        var template = TemplateId.IsSet ? context.Get(TemplateId) : null;
        if ((text is { Length: > 0 }) == (template is { Length: > 0 }))
        {
            throw new ActivityInputException(CommunityStepTexts.NoReply);
        }

        var values = Values.IsSet ? context.Get(Values)?.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? "", StringComparer.Ordinal) : null;
        var content = new ReplyContent(text, template, values);
        var id = context.Get(ConversationId);
        if (id is not { } conversationId)
        {
            if (!context.DryRun)
            {
                throw new ActivityInputException(CommunityStepTexts.NoConversation.Filled("community.reply"));
            }

            context.Complete("sent");
            return;
        }

        var result = await context.RunEffectAsync(new JsonObject { ["conversationId"] = conversationId, ["text"] = text, ["templateId"] = template },
            async (key, ct) =>
            {
                var r = await replies.ReplyAsync(conversationId, key, content, null, new Caller("workflow:" + context.DefinitionId, ScrmRoles.Community), ct);
                return new Effect<string>(r.Status.ToString(), false);
            });
        context.SetOutput("status", result);
        context.Complete(result is null or nameof(ReplyStatus.Sent) ? "sent" : "notSent");
    }
}

[Activity("community.survey", Kinds = ActivityKinds.SideEffect, Outcomes = ["sent", "notSent"],
    Description = "After a resolution, asks the customer through the conversation's channel how satisfied they were (1–5, 满意/不满意), once per resolution; their next message is read as the answer.")]
internal sealed class SendSurvey(SurveyService surveys) : Activity
{
    [Input(Required = true, Description = "The conversation, usually {\"js\": \"input.conversationId\"}.")]
    public Input<long?> ConversationId { get; init; } = new();

    [Input(Required = true, Description = "The resolution (input.resolution of community.resolved): one survey per resolution.")]
    public Input<string> Resolution { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var id = context.Get(ConversationId);
        var resolution = context.Get(Resolution);
        if (id is not { } conversationId || resolution is not { Length: > 0 and <= 200 })
        {
            if (!context.DryRun)
            {
                throw new ActivityInputException(CommunityStepTexts.NoSurvey);
            }

            context.Complete("sent");
            return;
        }

        var outcome = await context.RunEffectAsync(new JsonObject { ["conversationId"] = conversationId, ["resolution"] = resolution },
            async (_, ct) => new Effect<string>(await surveys.SendAsync(conversationId, resolution, ct), false));
        context.SetOutput("status", outcome);
        context.Complete(outcome is null or SurveyStatus.Sent or SurveyStatus.Answered ? "sent" : "notSent");
    }
}

/// <summary>Why a community step cannot run on its inputs, in both languages.</summary>
internal static class CommunityStepTexts
{
    public static readonly UserText NoMessage = new(
        "community.lead 需要 'message'，即 community.waiting 的输入（{{\"js\": \"input\"}}）。",
        "community.lead needs 'message', the community.waiting input ({{\"js\": \"input\"}}).");

    public static readonly UserText Shares = new(
        "community.assign 需要 0 < warnShare < 1 且 managerShare ≥ 1；得到的是 {0} 和 {1}。",
        "community.assign needs 0 < warnShare < 1 and managerShare ≥ 1; it got {0} and {1}.");

    public static readonly UserText NoConversation = new("{0} 需要 'conversationId'；它的值为空。", "{0} needs 'conversationId'; it evaluated to nothing.");

    public static readonly UserText Level = new("community.escalate 的 level 必须是 {0} 之一；得到的是 '{1}'。", "community.escalate's level must be one of {0}; it got '{1}'.");

    public static readonly UserText NoReply = new("community.reply 需要 'text' 或 'templateId'。", "community.reply needs either 'text' or 'templateId'.");

    public static readonly UserText NoSurvey = new(
        "community.survey 需要 'conversationId' 和 'resolution'（community.resolved 的输入）。",
        "community.survey needs 'conversationId' and 'resolution' (the community.resolved input).");
}
