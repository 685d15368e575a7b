using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Assignment;
using Scrm.Community.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;

namespace Scrm.Community.Conversations;

/// <summary>
/// A departing agent's open conversations go to their successor (a deactivation): each move is an
/// assignment of kind "handed-over", with one audit entry for all of them in the same transaction.
/// Running it again moves nothing more; a conversation an agent changed meanwhile is read again.
/// </summary>
internal sealed class ConversationHandover(IDbContextFactory<CommunityDbContext> contexts, AgentTeams teams, AuditOutbox audit, TimeProvider time) : IOwnerHandover
{
    public string Resource => DataResources.Conversations;

    public async Task<int> HandOverAsync(string departing, string successor, string by, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await MoveAsync(departing, successor, by, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // An agent answered or handed one on between our read and our write: read them again.
            }
        }
    }

    private async Task<int> MoveAsync(string departing, string successor, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var open = await db.Conversations.Where(c => c.Assignee == departing && c.Status != ConversationStatus.Resolved).ToListAsync(cancellationToken);
        if (open.Count == 0)
        {
            return 0;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var team = AgentTeams.TeamOf(successor, teams.Plan());
        foreach (var conversation in open)
        {
            ConversationWork.Assign(db, conversation, successor, team ?? conversation.Team, "handed-over", by, now);
            conversation.Version++;
        }

        await db.SaveChangesAsync(cancellationToken);
        var detail = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["from"] = departing,
            ["to"] = successor,
            ["conversations"] = open.Count.ToString(CultureInfo.InvariantCulture),
        });
        await audit.AddAsync(db.Database, new AuditEvent(by, "conversation.handover", DataResources.Conversations, null, detail), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.DeliverAsync(CancellationToken.None);
        return open.Count;
    }
}
