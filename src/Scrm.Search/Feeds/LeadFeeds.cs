using System.Globalization;
using Microsoft.Extensions.Options;
using Scrm.Ingestion.Journal;
using Scrm.Leads.Routing;
using Scrm.Search.Indexing;

namespace Scrm.Search.Feeds;

/// <summary>The owner of documents made from journal items: the owner of the lead the item became part of.</summary>
internal sealed class LeadDocumentOwners(LeadOwners owners) : IDocumentOwners
{
    public Task<IReadOnlyDictionary<long, string?>> OfAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken) =>
        owners.OfJournalItemsAsync(positions, cancellationToken);
}

/// <summary>
/// Changes of a lead's owner (routing, claims, hand-overs, returns to the pool) written to the
/// documents of the journal items the lead is made of, so <c>owner=</c> finds them. Assignment
/// numbers can commit out of order on PostgreSQL: the mark stops before a missing number until it
/// turns up or has been missing for the settle time, and what comes after it is written again.
/// </summary>
internal sealed class LeadAssignmentFeed(LeadOwners owners, JournalReader journal, IOptions<SearchOptions> options, TimeProvider time) : ISearchFeed
{
    private readonly Dictionary<long, long> _missingSince = [];

    public string Name => "lead-owners";

    public bool Complete => false;

    public async Task<FeedBatch> ReadAsync(string? mark, CancellationToken cancellationToken)
    {
        var after = long.TryParse(mark, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
        var limit = options.Value.BatchSize;
        var changes = await owners.ChangesAsync(after, limit, cancellationToken);
        if (changes.Count == 0)
        {
            return FeedBatch.Nothing;
        }

        var reached = Reached(after, changes.Select(c => c.Sequence), Settled);

        var (documents, through) = await JournalOwnership.RewriteAsync(journal, changes.SelectMany(c => c.JournalPositions.Select(p => (p, c.Owner))), cancellationToken);
        return new FeedBatch(documents, [], reached.ToString(CultureInfo.InvariantCulture), changes.Count == limit && reached == changes[^1].Sequence, through);
    }

    /// <summary>
    /// How far the mark may move over <paramref name="sequences"/> (ascending): up to the first missing
    /// number that has not <paramref name="settled"/> (been missing long enough to be taken as never coming).
    /// </summary>
    public static long Reached(long after, IEnumerable<long> sequences, Func<long, bool> settled)
    {
        var reached = after;
        foreach (var sequence in sequences)
        {
            if (sequence > reached + 1 && !settled(reached + 1))
            {
                break;
            }

            reached = sequence;
        }

        return reached;
    }

    private bool Settled(long missing)
    {
        var now = time.GetTimestamp();
        _missingSince.TryAdd(missing, now);
        if (_missingSince.Count > 10_000)
        {
            _missingSince.Clear();
        }

        return time.GetElapsedTime(_missingSince[missing]) >= options.Value.FeedSettleTime;
    }
}

/// <summary>
/// Journal items that joined a lead, written with the lead's owner: an item written to the index
/// before the leads module took it in gets its owner here, even when the lead's owner never changes again.
/// </summary>
internal sealed class LeadTouchFeed(LeadOwners owners, JournalReader journal, IOptions<SearchOptions> options, TimeProvider time) : ISearchFeed
{
    public string Name => "lead-touches";

    public bool Complete => false;

    public async Task<FeedBatch> ReadAsync(string? mark, CancellationToken cancellationToken)
    {
        var (afterAt, afterKey) = mark?.IndexOf(':', StringComparison.Ordinal) is int colon and > 0
            && long.TryParse(mark.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at)
            ? (at, mark[(colon + 1)..])
            : (long.MinValue, "");
        var limit = options.Value.BatchSize;
        var through = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)options.Value.FeedSettleTime.TotalMilliseconds;
        var touches = await owners.TouchesAsync(afterAt, afterKey, through, limit, cancellationToken);
        if (touches.Count == 0)
        {
            return FeedBatch.Nothing;
        }

        // A touch of a lead nobody owns changes nothing the index shows.
        var (documents, journalThrough) = await JournalOwnership.RewriteAsync(journal, touches.Where(t => t.Owner is not null && t.JournalPosition > 0).Select(t => (t.JournalPosition, t.Owner)), cancellationToken);
        var last = touches[^1];
        return new FeedBatch(documents, [], last.At.ToString(CultureInfo.InvariantCulture) + ":" + last.SourceKey, touches.Count == limit, journalThrough);
    }
}

/// <summary>Documents of journal items written again with their owner.</summary>
internal static class JournalOwnership
{
    public static async Task<(List<SearchDocument> Documents, long JournalThrough)> RewriteAsync(
        JournalReader journal, IEnumerable<(long Position, string? Owner)> owners, CancellationToken cancellationToken)
    {
        var byPosition = new Dictionary<long, string?>();
        foreach (var (position, owner) in owners)
        {
            byPosition[position] = owner;
        }

        var documents = new List<SearchDocument>(byPosition.Count);
        var through = 0L;
        foreach (var entry in await journal.ReadPositionsAsync(byPosition.Keys, cancellationToken))
        {
            if (JournalDocuments.Map(entry) is { } document)
            {
                documents.Add(document with { Owner = byPosition[entry.Position] });
                through = Math.Max(through, entry.Position);
            }
        }

        return (documents, through);
    }
}
