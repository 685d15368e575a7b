using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Community.Assignment;
using Scrm.Community.Conversations;
using Scrm.Community.Storage;
using Scrm.Platform.Calendar;
using Scrm.Platform.Effects;
using Scrm.Platform.Text;

namespace Scrm.Community.Workflow;

/// <summary>How far a late first response has gone: the agent is warned, then the team lead, then the manager hear of it.</summary>
internal static class AlertLevels
{
    public const string Warning = "warning";
    public const string TeamLead = "teamLead";
    public const string Manager = "manager";

    public static readonly IReadOnlyList<string> All = [Warning, TeamLead, Manager];

    public static string Kind(string level) => level switch
    {
        Warning => "sla-warning",
        TeamLead => "sla-breach",
        _ => "sla-escalation",
    };
}

/// <summary>An alert's outcome: whether the customer still waited (nobody is told otherwise) and who was told.</summary>
internal sealed record AlertOutcome(bool StillWaiting, IReadOnlyList<string> Notified);

/// <summary>
/// Service-level alerts for a customer waiting on a first response. The conversation is checked
/// first: answered, resolved or waiting on a later message, nobody is told. Notifications are
/// written with the alert's outcome (effect outcomes, ADR 0006): once per key.
/// </summary>
internal sealed class ServiceLevelAlerts(IDbContextFactory<CommunityDbContext> contexts, AgentTeams teams, IOptionsMonitor<CommunityOptions> options, TimeProvider time)
{
    public const string Effect = "community.escalate";

    private static class Texts
    {
        public static readonly UserText Warning = new("会话 #{0}（{1}）的首次回复将于 {2:yyyy-MM-dd HH:mm}（北京时间）到期，时限已用去 80%",
            "Conversation #{0} ({1}): the first response is due at {2:yyyy-MM-dd HH:mm} Beijing time; 80 % of the time is used");
        public static readonly UserText Breach = new("会话 #{0}（{1}，负责人 {2}）的首次回复已超时：应于 {3:yyyy-MM-dd HH:mm}（北京时间）前回复",
            "Conversation #{0} ({1}, agent {2}) missed its first-response target: due at {3:yyyy-MM-dd HH:mm} Beijing time");
        public static readonly UserText Escalation = new("会话 #{0}（{1}，负责人 {2}）的首次回复严重超时：应于 {3:yyyy-MM-dd HH:mm}（北京时间）前回复，组长已收到提醒",
            "Conversation #{0} ({1}, agent {2}) is well past its first-response target (due at {3:yyyy-MM-dd HH:mm} Beijing time); the team lead was told");
        public static readonly UserText Nobody = new("无人", "nobody");
    }

    public async Task<Effect<AlertOutcome>> AlertAsync(long conversationId, string level, string? waitingKey, string key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var effects = await EffectOutcomes.LoadAsync<AlertOutcome>(db, [key], cancellationToken);
        if (effects.TryReplay(key, out var replayed))
        {
            return replayed;
        }

        var now = time.GetUtcNow();
        var c = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == conversationId, cancellationToken);
        var waiting = c is { Status: ConversationStatus.Open, DueAt: not null } && (waitingKey is null || c.WaitingKey == waitingKey);
        var notified = new List<string>();
        if (waiting)
        {
            var (teamLead, manager) = teams.EscalationOf(c!.Team);
            var recipient = level switch
            {
                AlertLevels.Warning => c.Assignee ?? teamLead,
                AlertLevels.TeamLead => teamLead,
                _ => manager,
            };
            if (recipient is not null)
            {
                var language = options.CurrentValue.Language;
                var due = DateTimeOffset.FromUnixTimeMilliseconds(c.DueAt!.Value).ToOffset(ChinaTime.Offset);
                var agent = c.Assignee ?? Texts.Nobody.In(language);
                var text = level switch
                {
                    AlertLevels.Warning => Texts.Warning.In(language, c.Id, c.Channel, due),
                    AlertLevels.TeamLead => Texts.Breach.In(language, c.Id, c.Channel, agent, due),
                    _ => Texts.Escalation.In(language, c.Id, c.Channel, agent, due),
                };
                Notify(db, recipient, AlertLevels.Kind(level), c.Id, $"{AlertLevels.Kind(level)}:{key}", text, now.ToUnixTimeMilliseconds());
                notified.Add(recipient);
            }
        }

        var outcome = effects.Record(key, new AlertOutcome(waiting, notified), now.ToUnixTimeMilliseconds());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitEffectAsync(Effect, cancellationToken);
        return outcome;
    }

    internal static void Notify(CommunityDbContext db, string recipient, string kind, long? conversationId, string dedupKey, string text, long at) =>
        db.Notifications.Add(new NotificationRow
        {
            Recipient = recipient,
            Kind = kind,
            ConversationId = conversationId,
            DedupKey = dedupKey.Length <= 400 ? dedupKey : dedupKey[..400],
            Text = text.Length <= 1_000 ? text : text[..1_000],
            CreatedAt = at,
        });

    /// <summary>A person's notifications, newest first, after <paramref name="before"/> when paging back.</summary>
    public async Task<IReadOnlyList<CommunityNotification>> ForAsync(string recipient, long? before, int size, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Notifications.AsNoTracking()
            .Where(n => n.Recipient == recipient && (before == null || n.Id < before))
            .OrderByDescending(n => n.Id)
            .Take(size)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(n => new CommunityNotification(n.Id, n.Kind, n.ConversationId, n.Text,
            DateTimeOffset.FromUnixTimeMilliseconds(n.CreatedAt).ToString("O", CultureInfo.InvariantCulture)))];
    }
}

/// <summary>A notification as its recipient sees it.</summary>
internal sealed record CommunityNotification(long Id, string Kind, long? ConversationId, string Text, string At);
