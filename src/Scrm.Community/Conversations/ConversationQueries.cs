using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Storage;
using Scrm.Customers.Directory;
using Scrm.Platform.Security;

namespace Scrm.Community.Conversations;

/// <summary>One row of the inbox.</summary>
/// <param name="DueAt">When the first response to the waiting customer is due (null: nothing waits for us).</param>
/// <param name="ReplyWindowClosesAt">WeChat: until when a free-form reply may be sent (48 hours after the customer's last message); later only a template message.</param>
internal sealed record ConversationSummary(
    long Id, string Channel, string Account, string Status, string? Assignee, string? Intent, string? Sentiment,
    string? ContactName, Guid? CustomerId, string? Preview, int Messages,
    DateTimeOffset OpenedAt, DateTimeOffset LastMessageAt, DateTimeOffset LastInboundAt,
    DateTimeOffset? DueAt, bool Breaching, DateTimeOffset? ReplyWindowClosesAt, int Version);

/// <summary>A page of the inbox, most urgent first; <see cref="Next"/> is the cursor of the following page.</summary>
internal sealed record ConversationPage(IReadOnlyList<ConversationSummary> Items, string? Next);

/// <summary>A message in a conversation: the customer's (<c>in</c>), a reply (<c>out</c>) or an internal note (<c>note</c>), with its classification.</summary>
internal sealed record ConversationMessage(
    long Id, string Direction, string Type, string? Text, string? Author, DateTimeOffset At,
    string? Intent, string? Sentiment, IReadOnlyList<string>? Topics, string? Model, string? Status);

/// <summary>The customer beside the conversation, protected fields masked for roles that may not see them.</summary>
internal sealed record ConversationCustomer(Guid Id, string? Name, string? Nickname, string? Company, string? Phone, string? Email,
    string? Owner, string? Tier, string? Province, string? City, bool Masked);

/// <summary>Who the conversation was given to, by whom and why.</summary>
internal sealed record ConversationAssignment(string? From, string To, string? Team, string Kind, IReadOnlyList<string> Reasons, string By, DateTimeOffset At);

/// <param name="ReplyWindow">The channel's reply window now (WeChat: free text until when; customer service: until when and how many messages are left); null when the channel has none.</param>
internal sealed record ConversationDetail(ConversationSummary Conversation, ConversationCustomer? Customer, IReadOnlyList<ConversationMessage> Messages,
    IReadOnlyList<ConversationAssignment> Assignments, Replies.ReplyWindowState? ReplyWindow);

/// <summary>What the inbox is filtered by; null means any.</summary>
/// <param name="Assignee">An agent's id; <see cref="Unassigned"/> for conversations nobody has.</param>
internal sealed record InboxFilter(string? Assignee, string? Status, string? Intent, string? Channel, bool? Breaching, InboxCursor? After, int Size)
{
    public const string Unassigned = "\u0000none";
}

/// <summary>Where a page ended: the last row's urgency and id.</summary>
internal readonly record struct InboxCursor(long Urgency, long Id)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Urgency}.{Id}");

    public static bool TryParse(string? text, out InboxCursor? cursor)
    {
        cursor = null;
        if (text is null)
        {
            return true;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (text.Length > 40 || dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var urgency)
            || !long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new InboxCursor(urgency, id);
        return true;
    }
}

/// <summary>Reads the inbox and conversations within the caller's data scope (a conversation is its assignee's; unassigned ones everyone's).</summary>
internal sealed class ConversationQueries(IDbContextFactory<CommunityDbContext> contexts, CustomerDirectory customers, TimeProvider time)
{
    public static readonly TimeSpan WeChatWindow = TimeSpan.FromHours(48);

    public async Task<ConversationPage> InboxAsync(InboxFilter filter, OwnerScope scope, bool masked, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var query = scope.Apply(db.Conversations.AsNoTracking(), c => c.Assignee);
        if (filter.Assignee == InboxFilter.Unassigned)
        {
            query = query.Where(c => c.Assignee == null);
        }
        else if (filter.Assignee is { } assignee)
        {
            query = query.Where(c => c.Assignee == assignee);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(c => c.Status == status);
        }

        if (filter.Intent is { } intent)
        {
            query = query.Where(c => c.Intent == intent);
        }

        if (filter.Channel is { } channel)
        {
            query = query.Where(c => c.Channel == channel);
        }

        if (filter.Breaching is true)
        {
            // Breaching ones are the open ones whose due time passed: the front of the urgency order.
            query = query.Where(c => c.Status == ConversationStatus.Open && c.DueAt != null && c.Urgency < now);
        }
        else if (filter.Breaching is false)
        {
            query = query.Where(c => !(c.Status == ConversationStatus.Open && c.DueAt != null && c.Urgency < now));
        }

        if (filter.After is { } after)
        {
            query = query.Where(c => c.Urgency > after.Urgency || (c.Urgency == after.Urgency && c.Id > after.Id));
        }

        var rows = await query.OrderBy(c => c.Urgency).ThenBy(c => c.Id).Take(filter.Size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(filter.Size).Select(r => Summary(r, now, masked)).ToList();
        var last = rows.Count > filter.Size ? rows[filter.Size - 1] : null;
        return new ConversationPage(items, last is null ? null : new InboxCursor(last.Urgency, last.Id).ToString());
    }

    /// <summary>The conversation with its messages and customer, or null when missing or out of the caller's scope.</summary>
    public async Task<ConversationDetail?> DetailAsync(long id, Caller caller, IReadOnlyCollection<string> unmaskedRoles, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var c = await caller.Scope(Platform.Security.DataResources.Conversations).Apply(db.Conversations.AsNoTracking(), x => x.Assignee)
            .SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).OrderBy(m => m.Id).Take(500).ToListAsync(cancellationToken);
        var assignments = await db.Assignments.AsNoTracking().Where(a => a.ConversationId == id).OrderBy(a => a.Id).Take(200).ToListAsync(cancellationToken);
        var card = c.CustomerId is { } customerId ? await customers.CardAsync(customerId, cancellationToken) : null;
        var masked = FieldPolicy.Decide(caller, card?.Owner, unmaskedRoles).Masked;
        var at = time.GetUtcNow();
        var now = at.ToUnixTimeMilliseconds();
        var answering = c.Channel == "wecom" ? await Replies.ReplyService.AnsweringAsync(db, c.Id, long.MaxValue, cancellationToken) : null;
        var sentSince = Replies.KfWindow.Applies(c.Channel, answering) ? await Replies.ReplyService.SentSinceCustomerAsync(db, c, cancellationToken) : 0;
        return new ConversationDetail(
            Summary(c, now, masked),
            card is null ? null : new ConversationCustomer(card.Id, card.Name, card.Nickname, card.Company,
                masked ? Masking.Phone(card.Phone) : card.Phone, masked ? Masking.Email(card.Email) : card.Email,
                card.Owner, card.Tier, card.Province, card.City, masked),
            messages.ConvertAll(m => new ConversationMessage(m.Id, m.Direction, m.Type, masked ? Masking.Text(m.Text) : m.Text, m.Author, At(m.At),
                m.Intent, m.Sentiment, m.Topics is null ? null : JsonSerializer.Deserialize<string[]>(m.Topics), m.Model, m.Status)),
            assignments.ConvertAll(a => new ConversationAssignment(a.From, a.Assignee, a.Team, a.Kind, JsonSerializer.Deserialize<string[]>(a.Reasons) ?? [], a.By, At(a.At))),
            Replies.ReplyWindowState.Of(c.Channel, answering, c.LastInboundAt, sentSince, at));
    }

    internal static ConversationSummary Summary(ConversationRow c, long now, bool masked) => new(
        c.Id, c.Channel, c.Account, c.Status, c.Assignee, c.Intent, c.Sentiment, c.ContactName, c.CustomerId,
        masked ? Masking.Text(c.Preview) : c.Preview, c.Messages, At(c.OpenedAt), At(c.LastMessageAt), At(c.LastInboundAt),
        c.DueAt is { } due && c.Status == ConversationStatus.Open ? At(due) : null,
        c.Status == ConversationStatus.Open && c.DueAt is { } d && d < now,
        ReplyWindowClosesAt(c.Channel, c.LastInboundAt), c.Version);

    public static DateTimeOffset? ReplyWindowClosesAt(string channel, long lastInboundAt) =>
        channel == "wechat" ? At(lastInboundAt) + WeChatWindow : null;

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
