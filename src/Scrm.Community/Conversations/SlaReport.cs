using Microsoft.EntityFrameworkCore;
using Scrm.Community.Calendar;
using Scrm.Community.Storage;
using Scrm.Platform.Calendar;
using Scrm.Platform.Security;

namespace Scrm.Community.Conversations;

/// <summary>
/// Service levels of one group (a team, an agent, a channel or an intent): conversations opened in
/// the period; first-response time (working minutes on the calendar, from opening to the first reply
/// sent) at the median and the 90th percentile; conversations whose first response or resolution came
/// after its target (or has not come and is overdue); escalation alerts sent (team lead and manager);
/// and conversations open and overdue for a response now, whenever they opened.
/// </summary>
internal sealed record SlaRow(
    string Key, int Conversations, int Answered, double? FirstResponseMinutesP50, double? FirstResponseMinutesP90,
    int FirstResponseBreaches, int ResolutionBreaches, int Escalations, int OpenBreachingNow);

internal sealed record SlaReportView(
    DateTimeOffset From, DateTimeOffset To, DateTimeOffset At, SlaRow Overall,
    IReadOnlyList<SlaRow> ByTeam, IReadOnlyList<SlaRow> ByAgent, IReadOnlyList<SlaRow> ByChannel, IReadOnlyList<SlaRow> ByIntent);

/// <summary>What the report knows of one conversation. <see cref="InPeriod"/>: opened in the period (otherwise it is only counted as open and overdue now).</summary>
internal sealed record SlaFacts(
    string? Team, string? Agent, string Channel, string? Intent, string Status, DateTimeOffset OpenedAt,
    DateTimeOffset? FirstReplyAt, DateTimeOffset? ResolvedAt, DateTimeOffset? DueAt, int Escalations, bool InPeriod, string? Tier = null);

/// <summary>The service-level report: facts read by the store, the figures by a pure function of them, the clock and the calendar.</summary>
internal sealed class SlaReport(IDbContextFactory<CommunityDbContext> contexts, WorkingCalendars calendars, ServiceTargets targets, TimeProvider time)
{
    /// <summary>The report over the conversations in <paramref name="reach"/> (the caller's data scope: their own, their team's, or all, with the unassigned ones).</summary>
    public async Task<SlaReportView> BuildAsync(DateTimeOffset from, DateTimeOffset to, OwnerScope reach, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var start = from.ToUnixTimeMilliseconds();
        var end = to.ToUnixTimeMilliseconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        var scope = reach.Apply(db.Conversations.AsNoTracking(), c => c.Assignee).Where(c =>
            (c.OpenedAt >= start && c.OpenedAt < end) || (c.Status == ConversationStatus.Open && c.DueAt != null && c.DueAt < nowMs));
        var rows = await scope
            .Select(c => new { c.Id, c.Team, c.Assignee, c.Channel, c.Intent, c.Tier, c.Status, c.OpenedAt, c.ResolvedAt, c.LastMessageAt, c.DueAt })
            .ToListAsync(cancellationToken);
        var firstReplies = await db.Messages.AsNoTracking()
            .Where(m => m.Direction == MessageDirections.Out && m.Status == "sent" && scope.Any(c => c.Id == m.ConversationId))
            .GroupBy(m => m.ConversationId)
            .Select(g => new { g.Key, At = g.Min(m => m.At) })
            .ToDictionaryAsync(x => x.Key, x => x.At, cancellationToken);
        var escalations = await db.Notifications.AsNoTracking()
            .Where(n => n.ConversationId != null && (n.Kind == "sla-breach" || n.Kind == "sla-escalation") && scope.Any(c => c.Id == n.ConversationId))
            .GroupBy(n => n.ConversationId!.Value)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);

        var facts = rows.Select(r => new SlaFacts(
            r.Team, r.Assignee, r.Channel, r.Intent, r.Status, At(r.OpenedAt),
            firstReplies.TryGetValue(r.Id, out var reply) ? At(reply) : null,
            // Resolved before resolution times were kept: its last activity stands for it.
            r.ResolvedAt is { } resolved ? At(resolved) : r.Status == ConversationStatus.Resolved ? At(r.LastMessageAt) : null,
            r.DueAt is { } due ? At(due) : null,
            escalations.GetValueOrDefault(r.Id),
            r.OpenedAt >= start && r.OpenedAt < end,
            r.Tier)).ToList();
        return SlaFigures.Build(facts, from, to, now, await calendars.FreshAsync(cancellationToken), await targets.FreshAsync(cancellationToken));
    }

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

/// <summary>The report's figures from the facts. Pure.</summary>
internal static class SlaFigures
{
    public static SlaReportView Build(IReadOnlyList<SlaFacts> facts, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, WorkingCalendar calendar, ServiceTargetTable? targets = null)
    {
        var table = targets ?? ServiceTargetTable.Default;
        var measured = facts.Select(f => Measure(f, now, calendar, table.For(f.Intent, f.Tier, f.Channel))).ToList();
        return new SlaReportView(from, to, now, Row("all", measured),
            Group(measured, m => m.Facts.Team), Group(measured, m => m.Facts.Agent),
            Group(measured, m => m.Facts.Channel), Group(measured, m => m.Facts.Intent));
    }

    /// <summary>Nearest-rank percentile of sorted values (null for none).</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double share) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static Measured Measure(SlaFacts f, DateTimeOffset now, WorkingCalendar calendar, ServiceTarget target)
    {
        double? firstResponse = f.FirstReplyAt is { } reply
            ? Math.Round(BusinessHours.Between(calendar, WorkingHours.Office, f.OpenedAt, reply).TotalMinutes, 1)
            : null;
        // The wait for a first response ends with the reply, or with a resolution without one.
        var responded = f.FirstReplyAt ?? f.ResolvedAt ?? now;
        var firstBreach = ServiceLevels.FirstResponseDue(target, f.OpenedAt, calendar) is { } due && responded > due;
        var resolutionBreach = ServiceLevels.ResolutionDue(target, f.OpenedAt, calendar) is { } resolveBy && (f.ResolvedAt ?? now) > resolveBy;
        var breachingNow = f.Status == ConversationStatus.Open && f.DueAt is { } owed && owed < now;
        return new Measured(f, firstResponse, firstBreach, resolutionBreach, breachingNow);
    }

    private static List<SlaRow> Group(List<Measured> measured, Func<Measured, string?> key) =>
        [.. measured.GroupBy(m => key(m) ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.Key, [.. g]))];

    private static SlaRow Row(string key, List<Measured> group)
    {
        var inPeriod = group.Where(m => m.Facts.InPeriod).ToList();
        var times = inPeriod.Where(m => m.FirstResponseMinutes is not null).Select(m => m.FirstResponseMinutes!.Value).Order().ToList();
        return new SlaRow(
            key, inPeriod.Count, times.Count, Percentile(times, 0.5), Percentile(times, 0.9),
            inPeriod.Count(m => m.FirstResponseBreach), inPeriod.Count(m => m.ResolutionBreach),
            inPeriod.Sum(m => m.Facts.Escalations), group.Count(m => m.BreachingNow));
    }

    private sealed record Measured(SlaFacts Facts, double? FirstResponseMinutes, bool FirstResponseBreach, bool ResolutionBreach, bool BreachingNow);
}
