using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Assignment;
using Scrm.Community.Storage;
using Scrm.Platform.Security;

namespace Scrm.Community.Knowledge;

/// <summary>A knowledge-base article as agents read it; <see cref="Score"/> is set in search answers and suggestions.</summary>
internal sealed record Article(
    long Id, string Title, string Body, IReadOnlyList<string> Tags, IReadOnlyList<string> Channels, bool Active, int Uses,
    string By, DateTimeOffset UpdatedAt, int Version, int? Score = null);

/// <summary>What an editor gives for an article.</summary>
internal sealed record ArticleDraft(string Title, string Body, IReadOnlyList<string> Tags, IReadOnlyList<string> Channels, bool Active);

internal enum ArticleStatus
{
    Done,
    NotFound,
    Conflict,
    DuplicateTitle,
    Unsuitable,
}

/// <summary>What an article change did; on a conflict, the article as it is now.</summary>
internal sealed record ArticleResult(ArticleStatus Status, Article? Article = null);

/// <summary>A reply draft started from an article: the article's text, for the agent to edit and send.</summary>
internal sealed record ReplyDraft(long ArticleId, string Title, string Text);

/// <summary>
/// Knowledge-base articles in the module's store: community managers (team leads, managers and
/// admins) edit them with version checks; agents search them, are offered the best three for a
/// conversation (its customer's latest text, intent and topics) and start replies from them, which
/// counts a use. Matching reads the active articles and scores them in memory (<see cref="ArticleMatch"/>).
/// </summary>
internal sealed class KnowledgeBase(IDbContextFactory<CommunityDbContext> contexts, AgentTeams teams, TimeProvider time)
{
    public const int MaxTitle = 200;
    public const int MaxBody = 8_000;
    public const int MaxTags = 20;
    public const int MaxTag = 32;
    public const int Suggested = 3;

    /// <summary>Who edits: admins, and the team leads and managers of the community teams.</summary>
    public bool MayEdit(Caller caller)
    {
        if (caller.IsAdmin)
        {
            return true;
        }

        var plan = teams.Plan();
        return plan.Teams.Any(t => t.TeamLead == caller.Id || teams.EscalationOf(t.Name).Manager == caller.Id);
    }

    public async Task<IReadOnlyList<Article>> SearchAsync(string? query, string? tag, string? channel, bool includeInactive, int size, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(includeInactive, cancellationToken);
        var terms = ArticleMatch.Terms(query);
        return [.. rows
            .Select(Of)
            .Where(a => (tag is null || a.Tags.Contains(tag)) && Suits(a, channel))
            .Select(a => a with { Score = terms.Count == 0 ? null : ArticleMatch.Score(terms, ArticleMatch.Of(a.Title, a.Body, a.Tags)) })
            .Where(a => terms.Count == 0 || a.Score > 0)
            .OrderByDescending(a => a.Score ?? 0).ThenByDescending(a => a.Uses).ThenBy(a => a.Title, StringComparer.Ordinal)
            .Take(size)];
    }

    public async Task<Article?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken) is { } row ? Of(row) : null;
    }

    public async Task<ArticleResult> SaveAsync(long? id, ArticleDraft draft, int? version, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        ArticleRow? row;
        if (id is { } existing)
        {
            row = await db.Articles.SingleOrDefaultAsync(a => a.Id == existing, cancellationToken);
            if (row is null)
            {
                return new ArticleResult(ArticleStatus.NotFound);
            }

            if (version != row.Version)
            {
                return new ArticleResult(ArticleStatus.Conflict, Of(row));
            }
        }
        else
        {
            row = new ArticleRow();
            db.Articles.Add(row);
        }

        if (await db.Articles.AnyAsync(a => a.Title == draft.Title && a.Id != row.Id, cancellationToken))
        {
            return new ArticleResult(ArticleStatus.DuplicateTitle);
        }

        row.Title = draft.Title;
        row.Body = draft.Body;
        row.Tags = JsonSerializer.Serialize(draft.Tags);
        row.Channels = JsonSerializer.Serialize(draft.Channels);
        row.Active = draft.Active;
        row.By = by;
        row.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        row.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ArticleResult(ArticleStatus.Conflict, await GetAsync(row.Id, cancellationToken));
        }
        catch (DbUpdateException)
        {
            // Two editors saving one title at once: the unique index refuses the second.
            if (await TitleTakenAsync(draft.Title, row.Id, cancellationToken))
            {
                return new ArticleResult(ArticleStatus.DuplicateTitle);
            }

            throw;
        }

        return new ArticleResult(ArticleStatus.Done, Of(row));
    }

    public async Task<ArticleResult> DeleteAsync(long id, int version, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Articles.Where(a => a.Id == id && a.Version == version).ExecuteDeleteAsync(cancellationToken);
        return deleted > 0 ? new ArticleResult(ArticleStatus.Done)
            : await GetAsync(id, cancellationToken) is { } current ? new ArticleResult(ArticleStatus.Conflict, current)
            : new ArticleResult(ArticleStatus.NotFound);
    }

    /// <summary>The best articles for a conversation the caller may see (null when not found): by its customer's latest text, intent and topics, suited to its channel.</summary>
    public async Task<IReadOnlyList<Article>?> SuggestAsync(long conversationId, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var conversation = await caller.Scope(DataResources.Conversations).Apply(db.Conversations.AsNoTracking(), x => x.Assignee)
            .Where(c => c.Id == conversationId).Select(c => new { c.Channel, c.Intent }).SingleOrDefaultAsync(cancellationToken);
        if (conversation is null)
        {
            return null;
        }

        var latest = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Direction == MessageDirections.In)
            .OrderByDescending(m => m.Id).Select(m => new { m.Text, m.Topics }).FirstOrDefaultAsync(cancellationToken);
        var labels = new List<string>();
        if (conversation.Intent is { } intent)
        {
            labels.Add(intent);
        }

        if (latest?.Topics is { Length: > 0 } topics)
        {
            labels.AddRange(JsonSerializer.Deserialize<List<string>>(topics) ?? []);
        }

        var terms = ArticleMatch.Terms(latest?.Text);
        var rows = await ReadAsync(false, cancellationToken);
        return [.. rows.Select(Of).Where(a => Suits(a, conversation.Channel))
            .Select(a => a with { Score = ArticleMatch.Score(terms, ArticleMatch.Of(a.Title, a.Body, a.Tags), labels) })
            .Where(a => a.Score > 0)
            .OrderByDescending(a => a.Score).ThenByDescending(a => a.Uses).ThenBy(a => a.Id)
            .Take(Suggested)];
    }

    /// <summary>A reply draft from an article for a conversation the caller may see: counts a use. Null when either is not there (or the article is inactive).</summary>
    public async Task<(ArticleStatus Status, ReplyDraft? Draft)> DraftAsync(long conversationId, long articleId, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var channel = await caller.Scope(DataResources.Conversations).Apply(db.Conversations.AsNoTracking(), x => x.Assignee)
            .Where(c => c.Id == conversationId).Select(c => c.Channel).SingleOrDefaultAsync(cancellationToken);
        var row = await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == articleId && a.Active, cancellationToken);
        if (channel is null || row is null)
        {
            return (ArticleStatus.NotFound, null);
        }

        if (!Suits(Of(row), channel))
        {
            return (ArticleStatus.Unsuitable, null);
        }

        await db.Articles.Where(a => a.Id == articleId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Uses, a => a.Uses + 1), cancellationToken);
        return (ArticleStatus.Done, new ReplyDraft(row.Id, row.Title, row.Body));
    }

    private async Task<List<ArticleRow>> ReadAsync(bool includeInactive, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Articles.AsNoTracking().Where(a => includeInactive || a.Active).ToListAsync(cancellationToken);
    }

    private async Task<bool> TitleTakenAsync(string title, long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Articles.AnyAsync(a => a.Title == title && a.Id != id, cancellationToken);
    }

    private static bool Suits(Article a, string? channel) => channel is null || a.Channels.Count == 0 || a.Channels.Contains(channel);

    private static Article Of(ArticleRow r) => new(
        r.Id, r.Title, r.Body, JsonSerializer.Deserialize<List<string>>(r.Tags) ?? [], JsonSerializer.Deserialize<List<string>>(r.Channels) ?? [],
        r.Active, r.Uses, r.By, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt), r.Version);
}
