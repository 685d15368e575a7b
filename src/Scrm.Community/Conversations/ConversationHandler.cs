using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Community.Assignment;
using Scrm.Community.Calendar;
using Scrm.Community.Classification;
using Scrm.Community.Satisfaction;
using Scrm.Community.Storage;
using Scrm.Community.Workflow;
using Scrm.Customers.Directory;
using Scrm.Ingestion.Consumers;
using Scrm.Ingestion.Journal;

namespace Scrm.Community.Conversations;

/// <summary>
/// The inbox as a journal consumer: every customer message, comment and mention lands in its
/// conversation, classified, and opens (or reopens) it with a first-response due time. Idempotent:
/// a message already stored under its journal key is skipped when a batch is handed over again.
/// </summary>
internal sealed partial class ConversationHandler(
    IDbContextFactory<CommunityDbContext> contexts,
    CustomerDirectory directory,
    TextClassifier classifier,
    ClassifierLoader loader,
    WorkingCalendars calendars,
    ServiceTargets targets,
    AgentTeams teams,
    CommunityEvents events,
    Microsoft.Extensions.Options.IOptionsMonitor<CommunityOptions> options,
    TimeProvider time,
    ILogger<ConversationHandler> log) : IJournalHandler
{
    /// <summary>How long a batch waits for identity resolution to reach it before storing the messages without their customer.</summary>
    internal static readonly TimeSpan ResolutionWait = TimeSpan.FromSeconds(2);

    public string Name => "community.conversations";

    public async Task HandleAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
    {
        var inbound = new List<InboundMessage>();
        foreach (var entry in batch)
        {
            if (InboundMessages.From(entry) is { } message)
            {
                inbound.Add(message);
            }
        }

        if (inbound.Count == 0)
        {
            return;
        }

        await directory.WaitForResolutionAsync(inbound[^1].Position, ResolutionWait, cancellationToken);
        var customers = await Task.WhenAll(inbound.Select(m => directory.ForJournalItemAsync(m.Position, cancellationToken)));
        await loader.ReadyAsync(cancellationToken);
        var texts = inbound.Select(m => m.Text ?? "").ToList();
        var classes = classifier.ClassifyMany(texts);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var keys = inbound.Select(m => m.SourceKey).Distinct().ToList();
        var stored = (await db.Messages.AsNoTracking().Where(m => keys.Contains(m.SourceKey)).Select(m => m.SourceKey).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var threadKeys = inbound.Select(m => m.ThreadKey).Distinct().ToList();
        var threads = await db.Conversations.Where(c => threadKeys.Contains(c.ThreadKey)).ToDictionaryAsync(c => c.ThreadKey, StringComparer.Ordinal, cancellationToken);
        var calendar = await calendars.FreshAsync(cancellationToken);
        var table = await targets.FreshAsync(cancellationToken);
        var resolvedIds = threads.Values.Where(c => c.Status == ConversationStatus.Resolved).Select(c => c.Id).ToList();
        var surveys = resolvedIds.Count == 0 ? [] : await db.Surveys.Where(s => resolvedIds.Contains(s.ConversationId) && s.Status == SurveyStatus.Sent)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var added = new List<(ConversationRow Conversation, MessageRow Message)>();
        for (var i = 0; i < inbound.Count; i++)
        {
            var m = inbound[i];
            if (!stored.Add(m.SourceKey))
            {
                continue;
            }

            var at = m.At.ToUnixTimeMilliseconds();
            if (!threads.TryGetValue(m.ThreadKey, out var conversation))
            {
                conversation = new ConversationRow
                {
                    ThreadKey = m.ThreadKey,
                    Channel = m.Channel,
                    Account = m.Account,
                    Contact = m.Contact,
                    OpenedAt = at,
                    LastInboundAt = at,
                    LastMessageAt = at,
                };
                db.Conversations.Add(conversation);
                threads[m.ThreadKey] = conversation;
            }

            conversation.ContactName = m.ContactName ?? conversation.ContactName;
            conversation.CustomerId = customers[i]?.Id ?? conversation.CustomerId;
            conversation.Tier = customers[i] is { } customer ? customer.Tier : conversation.Tier;
            var classification = m.Text is null ? null : classes[i];
            var due = ServiceLevels.FirstResponseDue(table.For(classification?.Intent, conversation.Tier, m.Channel), m.At, calendar)?.ToUnixTimeMilliseconds();
            var survey = conversation.Status == ConversationStatus.Resolved ? surveys.Find(s => s.ConversationId == conversation.Id && s.Status == SurveyStatus.Sent) : null;
            if (survey is not null && Answer(db, survey, conversation, m.Text, at, now) is { } score && !SurveyAnswers.IsLow(score))
            {
                // A satisfied answer to the survey: kept on the conversation, which stays resolved.
                conversation.LastInboundAt = Math.Max(conversation.LastInboundAt, at);
                conversation.LastMessageAt = Math.Max(conversation.LastMessageAt, at);
                conversation.Messages++;
                conversation.Urgency = ConversationRules.Urgency(conversation);
            }
            else
            {
                ConversationRules.OnInbound(conversation, at, classification?.Intent, classification?.Sentiment, ConversationRules.Preview(m.Text) ?? $"[{m.Type}]", due, m.SourceKey);
            }

            conversation.Version++;
            var row = new MessageRow
            {
                SourceKey = m.SourceKey,
                Direction = MessageDirections.In,
                Type = m.Type,
                Text = m.Text,
                ExternalId = m.ExternalId,
                InReplyTo = m.InReplyTo,
                At = at,
                Position = m.Position,
                Intent = classification?.Intent,
                Sentiment = classification?.Sentiment,
                Topics = classification is null ? null : JsonSerializer.Serialize(classification.Topics),
                Model = classification?.Model,
            };
            added.Add((conversation, row));
        }

        if (added.Count == 0)
        {
            // Handed over again after a crash: the waits these messages began may not have reached the workflows.
            await transaction.RollbackAsync(cancellationToken);
            await events.WaitingAsync(Waits(inbound, classes, threads), cancellationToken);
            return;
        }

        // New conversations get their ids first; each message then names its conversation.
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (conversation, message) in added)
        {
            message.ConversationId = conversation.Id;
            db.Messages.Add(message);
        }

        // A conversation that opens again while its agent has left (deactivated, not an agent any more) is routed anew.
        var plan = teams.Plan();
        var toRoute = added.Select(a => a.Conversation).Distinct()
            .Where(c => c.Status == ConversationStatus.Open && (c.Assignee is null || !teams.IsAgent(c.Assignee, plan))).ToList();
        await RouteAsync(db, teams, time.GetUtcNow(), toRoute, cancellationToken);
        foreach (var orphan in toRoute.Where(c => c.Assignee is { } agent && !teams.IsAgent(agent, plan)))
        {
            orphan.Assignee = null;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogStored(log, added.Count, batch[^1].Position);
        await events.WaitingAsync(Waits(inbound, classes, threads), cancellationToken);
    }

    /// <summary>
    /// The customer's next message after a survey: a score is recorded (a low one alerts the team
    /// lead; the caller opens the conversation again), anything else closes the survey unanswered.
    /// </summary>
    private int? Answer(CommunityDbContext db, SurveyRow survey, ConversationRow c, string? text, long at, long now)
    {
        var score = SurveyAnswers.Score(text);
        survey.Status = score is null ? SurveyStatus.Unanswered : SurveyStatus.Answered;
        survey.Score = score;
        survey.Answer = text is null ? null : text.Length <= 200 ? text : text[..200];
        survey.AnsweredAt = at;
        if (score is { } low && SurveyAnswers.IsLow(low) && teams.EscalationOf(c.Team).TeamLead is { } teamLead)
        {
            ServiceLevelAlerts.Notify(db, teamLead, "low-csat", c.Id, $"low-csat:{survey.Key}",
                Texts.LowScore.In(options.CurrentValue.Language, c.Id, c.Channel, c.Assignee ?? "-", low), now);
        }

        return score;
    }

    private static class Texts
    {
        public static readonly Scrm.Platform.Text.UserText LowScore = new("会话 #{0}（{1}，负责人 {2}）的满意度评分为 {3}，会话已重新打开",
            "Conversation #{0} ({1}, agent {2}) was rated {3} for satisfaction and is open again");
    }

    /// <summary>The messages a customer's wait for an answer began with, as the service-level workflow starts on them.</summary>
    private static List<JsonObject> Waits(List<InboundMessage> inbound, IReadOnlyList<TextClassification> classes, Dictionary<string, ConversationRow> threads)
    {
        var waits = new List<JsonObject>();
        for (var i = 0; i < inbound.Count; i++)
        {
            var m = inbound[i];
            if (threads.GetValueOrDefault(m.ThreadKey) is not { Status: ConversationStatus.Open, WaitingKey: { } waiting } c || waiting != m.SourceKey)
            {
                continue;
            }

            var classification = m.Text is null ? null : classes[i];
            waits.Add(new JsonObject
            {
                ["conversationId"] = c.Id,
                ["sourceKey"] = m.SourceKey,
                ["kind"] = m.Type is "comment" or "mention" ? "mention" : "message",
                ["channel"] = m.Channel,
                ["account"] = m.Account,
                ["contact"] = m.Contact,
                ["contactName"] = m.ContactName,
                ["position"] = m.Position,
                ["externalId"] = m.ExternalId,
                ["text"] = m.Text,
                ["at"] = m.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["customerId"] = c.CustomerId?.ToString(),
                ["intent"] = classification?.Intent,
                ["sentiment"] = classification?.Sentiment,
                ["tier"] = c.Tier,
            });
        }

        return waits;
    }

    /// <summary>
    /// Gives each conversation nobody has to exactly one agent, in the same transaction that opened it:
    /// the agent who answers the customer's other conversations first, then the channel's team, least loaded.
    /// </summary>
    internal static async Task RouteAsync(CommunityDbContext db, AgentTeams teams, DateTimeOffset now, List<ConversationRow> unassigned, CancellationToken cancellationToken)
    {
        if (unassigned.Count == 0 || teams.Plan() is not { Teams.Count: > 0 } plan)
        {
            return;
        }

        var loads = await db.Conversations
            .Where(c => c.Assignee != null && c.Status != ConversationStatus.Resolved)
            .GroupBy(c => c.Assignee!)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var customerIds = unassigned.Select(c => c.CustomerId).OfType<Guid>().Distinct().ToList();
        var owners = customerIds.Count == 0 ? new Dictionary<Guid, string?>() : (await db.Conversations.AsNoTracking()
                .Where(c => c.CustomerId != null && customerIds.Contains(c.CustomerId.Value) && c.Assignee != null)
                .Select(c => new { c.CustomerId, c.Assignee, c.LastMessageAt })
                .ToListAsync(cancellationToken))
            .GroupBy(c => c.CustomerId!.Value)
            .ToDictionary(g => g.Key, g => g.MaxBy(c => c.LastMessageAt)!.Assignee);
        foreach (var c in unassigned)
        {
            var owner = c.CustomerId is { } customer ? owners.GetValueOrDefault(customer) : null;
            var decision = AgentAssignment.Decide(c.Channel, owner, plan, teams.CursorOf, loads, now);
            if (decision.Owner is not { } agent)
            {
                continue;
            }

            ConversationWork.Assign(db, c, agent, decision.Team, "routed", "system", now.ToUnixTimeMilliseconds(), decision.Reasons);
            loads[agent] = loads.GetValueOrDefault(agent) + 1;
            if (decision.Cursor is { } cursor && decision.Team is { } team)
            {
                teams.Advance(team, cursor);
            }

            if (c.CustomerId is { } id)
            {
                owners[id] = agent;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {Count} inbound message(s) in conversations, through journal position {Position}")]
    private static partial void LogStored(ILogger logger, int count, long position);
}
