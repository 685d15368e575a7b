namespace Scrm.Search.Feeds;

/// <summary>
/// A source of index documents beside the journal: records another module keeps (customers, the
/// owners of leads), read in the order they change from a mark the index keeps with the documents.
/// A new document type is a feed and its mapping to <see cref="SearchDocument"/>; its protected
/// fields are declared by the document itself (<see cref="SearchDocument.Contacts"/>).
/// </summary>
internal interface ISearchFeed
{
    /// <summary>Names the feed's mark in the index; never changes.</summary>
    string Name { get; }

    /// <summary>Whether reading from the start yields every document the feed owns, so a rebuild reads it whole.</summary>
    bool Complete { get; }

    /// <summary>The changes after <paramref name="mark"/> (null: from the start), at most one batch.</summary>
    Task<FeedBatch> ReadAsync(string? mark, CancellationToken cancellationToken);
}

/// <summary>One batch of a feed: documents to write, ids to remove, and where the feed then stands.</summary>
/// <param name="Mark">The feed's position after this batch; null when there was nothing new.</param>
/// <param name="More">More changes are waiting: read again at once.</param>
/// <param name="JournalThrough">The highest journal position among the documents (made from journal items), or 0.</param>
internal sealed record FeedBatch(IReadOnlyList<SearchDocument> Upserts, IReadOnlyList<string> Deletes, string? Mark, bool More, long JournalThrough = 0)
{
    public static readonly FeedBatch Nothing = new([], [], null, false);
}

/// <summary>Who owns the documents made from journal items (the lead they became part of), by journal position, looked up when they are written.</summary>
internal interface IDocumentOwners
{
    Task<IReadOnlyDictionary<long, string?>> OfAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken);
}

/// <summary>For a host without the leads module: nothing is owned.</summary>
internal sealed class NoOwners : IDocumentOwners
{
    public Task<IReadOnlyDictionary<long, string?>> OfAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<long, string?>>(new Dictionary<long, string?>());
}
