using Microsoft.EntityFrameworkCore;
using Scrm.Community.Storage;
using Scrm.Platform.Security;

namespace Scrm.Community.Satisfaction;

/// <summary>Satisfaction of one group: surveys sent and answered, the average score and CSAT (the share of answers scoring 4 or 5, in percent).</summary>
internal sealed record CsatRow(string Key, int Sent, int Answered, double? Average, double? Csat);

internal sealed record CsatReportView(CsatRow Overall, IReadOnlyList<CsatRow> ByAgent, IReadOnlyList<CsatRow> ByChannel, IReadOnlyList<CsatRow> ByIntent);

/// <summary>CSAT per agent, channel and intent over the surveys sent in a period on the conversations in the caller's data scope, counted by the store.</summary>
internal sealed class CsatReport(IDbContextFactory<CommunityDbContext> contexts)
{
    public async Task<CsatReportView> BuildAsync(DateTimeOffset from, DateTimeOffset to, OwnerScope reach, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var start = from.ToUnixTimeMilliseconds();
        var end = to.ToUnixTimeMilliseconds();
        var surveys = db.Surveys.AsNoTracking().Where(s => s.SentAt != null && s.SentAt >= start && s.SentAt < end);
        if (!reach.IsAll)
        {
            var conversations = reach.Apply(db.Conversations.AsNoTracking(), c => c.Assignee);
            surveys = surveys.Where(s => conversations.Any(c => c.Id == s.ConversationId));
        }
        var byAgent = await surveys.GroupBy(s => s.Agent ?? "")
            .Select(g => new Tally(g.Key, g.Count(), g.Count(s => s.Score != null), g.Sum(s => s.Score ?? 0), g.Count(s => s.Score >= 4)))
            .ToListAsync(cancellationToken);
        var byChannel = await surveys.GroupBy(s => s.Channel)
            .Select(g => new Tally(g.Key, g.Count(), g.Count(s => s.Score != null), g.Sum(s => s.Score ?? 0), g.Count(s => s.Score >= 4)))
            .ToListAsync(cancellationToken);
        var byIntent = await surveys.GroupBy(s => s.Intent ?? "")
            .Select(g => new Tally(g.Key, g.Count(), g.Count(s => s.Score != null), g.Sum(s => s.Score ?? 0), g.Count(s => s.Score >= 4)))
            .ToListAsync(cancellationToken);
        var overall = new Tally("all", byAgent.Sum(t => t.Sent), byAgent.Sum(t => t.Answered), byAgent.Sum(t => t.ScoreSum), byAgent.Sum(t => t.Satisfied));
        return new CsatReportView(Row(overall), Rows(byAgent), Rows(byChannel), Rows(byIntent));
    }

    private static List<CsatRow> Rows(List<Tally> tallies) => [.. tallies.OrderBy(t => t.Key, StringComparer.Ordinal).Select(Row)];

    private static CsatRow Row(Tally t) => new(t.Key, t.Sent, t.Answered,
        t.Answered == 0 ? null : Math.Round((double)t.ScoreSum / t.Answered, 2),
        t.Answered == 0 ? null : Math.Round(100.0 * t.Satisfied / t.Answered, 1));

    private sealed record Tally(string Key, int Sent, int Answered, int ScoreSum, int Satisfied);
}
