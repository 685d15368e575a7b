using Microsoft.EntityFrameworkCore;
using Scrm.Community.Classification;
using Scrm.Community.Storage;
using Scrm.Platform.Security;

namespace Scrm.Community.Conversations;

/// <summary>
/// A community manager's correction of a customer message's intent: stored as a classifier correction
/// (the next retrain learns it, as <c>POST /api/v1/community/corrections</c> does), and shown at once on
/// the message and, for the customer's latest message, on the conversation in the inbox.
/// </summary>
internal sealed class ConversationClassification(IDbContextFactory<CommunityDbContext> contexts, ClassifierModels models, TimeProvider time)
{
    public async Task<WorkResult> CorrectIntentAsync(long id, long messageId, string intent, int? version, Caller caller, CancellationToken cancellationToken)
    {
        if (!Taxonomy.Intents.All.Contains(intent))
        {
            return new WorkResult(WorkStatus.NotFound);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var c = await caller.Scope(DataResources.Conversations).Apply(db.Conversations, x => x.Assignee).SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        var message = c is null ? null : await db.Messages.SingleOrDefaultAsync(
            m => m.Id == messageId && m.ConversationId == id && m.Direction == MessageDirections.In, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (c is null || message is null)
        {
            return new WorkResult(WorkStatus.NotFound);
        }

        if (version is { } seen && seen != c.Version)
        {
            return new WorkResult(WorkStatus.Conflict, ConversationQueries.Summary(c, now, masked: true));
        }

        var latest = await db.Messages.Where(m => m.ConversationId == id && m.Direction == MessageDirections.In).MaxAsync(m => m.Id, cancellationToken);
        message.Intent = intent;
        if (latest == message.Id)
        {
            c.Intent = intent;
        }

        c.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await contexts.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Conversations.AsNoTracking().SingleAsync(x => x.Id == id, cancellationToken);
            return new WorkResult(WorkStatus.Conflict, ConversationQueries.Summary(current, now, masked: true));
        }

        if (!string.IsNullOrWhiteSpace(message.Text))
        {
            await models.CorrectAsync(new Correction(message.Text, intent, null, null), caller.Id, cancellationToken);
        }

        return new WorkResult(WorkStatus.Done, ConversationQueries.Summary(c, now, masked: true));
    }
}
