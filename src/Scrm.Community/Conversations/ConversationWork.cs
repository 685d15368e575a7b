using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Assignment;
using Scrm.Community.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;

namespace Scrm.Community.Conversations;

internal enum WorkStatus
{
    Done,
    NotFound,
    Forbidden,
    Conflict,
    UnknownAgent,
}

/// <summary>What a change to a conversation did; on a conflict, the conversation as it is now.</summary>
internal sealed record WorkResult(WorkStatus Status, ConversationSummary? Conversation = null);

/// <summary>
/// People's changes to a conversation: assign, take over, resolve, reopen. Each checks the version
/// the person saw (a stale one is a conflict with what changed) and the row's version again when it
/// saves, so two agents acting at once never both succeed; assignments are audited.
/// </summary>
internal sealed class ConversationWork(IDbContextFactory<CommunityDbContext> contexts, AgentTeams teams, AuditOutbox audit, Workflow.CommunityEvents events, TimeProvider time)
{
    public Task<WorkResult> AssignAsync(long id, string to, int? version, Caller caller, CancellationToken cancellationToken) =>
        ChangeAsync(id, version, caller, (c, now, db) =>
        {
            var plan = teams.Plan();
            if (!teams.IsAgent(to, plan))
            {
                return WorkStatus.UnknownAgent;
            }

            // Handing a conversation on is for whoever answers it, their team lead, or anyone when nobody has it.
            if (c.Assignee is not null && c.Assignee != caller.Id && !caller.Changes.Allows(c.Assignee, c.Team))
            {
                return WorkStatus.Forbidden;
            }

            Assign(db, c, to, AgentTeams.TeamOf(to, plan), "assigned", caller.Id, now);
            return WorkStatus.Done;
        }, "conversation.assign", cancellationToken);

    public Task<WorkResult> TakeOverAsync(long id, int? version, Caller caller, CancellationToken cancellationToken) =>
        ChangeAsync(id, version, caller, (c, now, db) =>
        {
            Assign(db, c, caller.Id, AgentTeams.TeamOf(caller.Id, teams.Plan()), "taken-over", caller.Id, now);
            return WorkStatus.Done;
        }, "conversation.take-over", cancellationToken);

    /// <summary>Resolves the conversation: a customer's wait ends, and the after-resolve steps (the survey) start once for this resolution.</summary>
    public async Task<WorkResult> ResolveAsync(long id, int? version, Caller caller, CancellationToken cancellationToken)
    {
        var wasResolved = false;
        var result = await ChangeAsync(id, version, caller, (c, now, _) =>
        {
            wasResolved = c.Status == ConversationStatus.Resolved;
            c.ResolvedAt = wasResolved ? c.ResolvedAt : now;
            c.Status = ConversationStatus.Resolved;
            c.DueAt = null;
            c.WaitingKey = null;
            c.Urgency = ConversationRules.Urgency(c);
            return WorkStatus.Done;
        }, null, cancellationToken);
        if (result is { Status: WorkStatus.Done, Conversation: { } resolved } && !wasResolved)
        {
            await events.AnsweredAsync(id, "resolved", cancellationToken);
            await events.ResolvedAsync(id, resolved.Version, cancellationToken);
        }

        return result;
    }

    public Task<WorkResult> ReopenAsync(long id, int? version, Caller caller, CancellationToken cancellationToken) =>
        ChangeAsync(id, version, caller, (c, now, _) =>
        {
            if (c.Status != ConversationStatus.Open)
            {
                c.Status = ConversationStatus.Open;
                c.ResolvedAt = null;
                c.DueAt = null;
                c.WaitingKey = null;
                c.Urgency = ConversationRules.Urgency(c);
            }

            return WorkStatus.Done;
        }, null, cancellationToken);

    /// <summary>Adds an internal note (never sent); the new message's id, or null when the conversation is not the caller's to see.</summary>
    public async Task<long?> NoteAsync(long id, string text, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await caller.Scope(DataResources.Conversations).Apply(db.Conversations.AsNoTracking(), x => x.Assignee).AnyAsync(x => x.Id == id, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var note = new MessageRow
        {
            ConversationId = id,
            SourceKey = $"note:{id}:{Guid.CreateVersion7(now):N}",
            Direction = MessageDirections.Note,
            Type = "note",
            Text = text,
            Author = caller.Id,
            At = now.ToUnixTimeMilliseconds(),
        };
        db.Messages.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        return note.Id;
    }

    internal static void Assign(CommunityDbContext db, ConversationRow c, string to, string? team, string kind, string by, long now, IReadOnlyList<string>? reasons = null)
    {
        var from = c.Assignee;
        c.Assignee = to;
        c.Team = team;
        db.Assignments.Add(new AssignmentRow
        {
            ConversationId = c.Id,
            From = from,
            Assignee = to,
            Team = team,
            Kind = kind,
            Reasons = JsonSerializer.Serialize(reasons ?? []),
            By = by,
            At = now,
        });
    }

    private async Task<WorkResult> ChangeAsync(long id, int? version, Caller caller,
        Func<ConversationRow, long, CommunityDbContext, WorkStatus> change, string? audited, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var c = await caller.Scope(DataResources.Conversations).Apply(db.Conversations, x => x.Assignee).SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (c is null)
        {
            return new WorkResult(WorkStatus.NotFound);
        }

        if (version is { } seen && seen != c.Version)
        {
            return new WorkResult(WorkStatus.Conflict, ConversationQueries.Summary(c, now, masked: true));
        }

        var from = c.Assignee;
        var status = change(c, now, db);
        if (status != WorkStatus.Done)
        {
            return new WorkResult(status);
        }

        c.Version++;
        // The change and its audit entry commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone changed it between our read and our write: say what it is now.
            await using var fresh = await contexts.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Conversations.AsNoTracking().SingleAsync(x => x.Id == id, cancellationToken);
            return new WorkResult(WorkStatus.Conflict, ConversationQueries.Summary(current, now, masked: true));
        }

        if (audited is not null)
        {
            var detail = JsonSerializer.Serialize(new Dictionary<string, string?> { ["from"] = from, ["to"] = c.Assignee });
            await audit.AddAsync(db.Database, new AuditEvent(caller.Id, audited, DataResources.Conversations, id.ToString(System.Globalization.CultureInfo.InvariantCulture), detail), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (audited is not null)
        {
            await audit.DeliverAsync(CancellationToken.None);
        }

        return new WorkResult(WorkStatus.Done, ConversationQueries.Summary(c, now, masked: true));
    }
}
