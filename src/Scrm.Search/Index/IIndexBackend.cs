namespace Scrm.Search;

/// <summary>What the indexer and the rebuild need from an engine beyond <see cref="ISearchIndex"/>.</summary>
internal interface IIndexBackend : ISearchIndex
{
    /// <summary>
    /// The journal position up to which every item has been written, as the index itself recorded it
    /// (after a restart: as of its last durable commit). Null when the engine does not keep one:
    /// every acknowledged write is durable and the journal checkpoint is enough.
    /// </summary>
    long? WrittenPosition { get; }

    void MarkWritten(long position);

    /// <summary>
    /// Writes the documents of journal positions <paramref name="first"/> to <paramref name="last"/>,
    /// idempotently. An engine may skip the by-id replace for positions it has never been asked to
    /// write (see <see cref="Reserve"/>): their documents cannot be in the index yet.
    /// </summary>
    Task<IndexWriteResult> WriteJournalAsync(IReadOnlyList<SearchDocument> documents, long first, long last, CancellationToken cancellationToken);

    /// <summary>Positions up to <paramref name="through"/> may be written by someone else (a rebuild): always replace them by id.</summary>
    void Reserve(long through);

    /// <summary>Makes everything written so far visible to searches now.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Where a feed stands (<see cref="Feeds.ISearchFeed"/>), kept with the index: once read back after a
    /// restart, every document the feed wrote before it is in the index. Null before the feed's first batch.
    /// </summary>
    Task<string?> ReadMarkAsync(string feed, CancellationToken cancellationToken);

    /// <summary>Records where a feed stands, after the documents before it were written.</summary>
    Task SaveMarkAsync(string feed, string mark, CancellationToken cancellationToken);

    /// <summary>Starts a rebuild: the target receives every document, then <see cref="IRebuildTarget.CompleteAsync"/> makes it live.</summary>
    Task<IRebuildTarget> BeginRebuildAsync(CancellationToken cancellationToken);
}

internal interface IRebuildTarget
{
    Task<IndexWriteResult> WriteAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken);

    Task CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>Limits every engine applies before it writes a document.</summary>
internal static class DocumentRules
{
    public const int MaxIdLength = 512;
    public const int MaxKeywordLength = 256;
    public const int MaxTags = 64;
    public const int MaxTextLength = 100_000;
    public const int MaxContacts = 64;

    /// <summary>The document as every engine writes it (protected fields masked, see <see cref="Protection.DocumentProtection"/>), or why it cannot be indexed.</summary>
    public static (SearchDocument? Document, string? Reason) Prepare(SearchDocument d)
    {
        if (Check(d) is { } reason)
        {
            return (null, reason);
        }

        var prepared = Protection.DocumentProtection.Protect(d);
        return prepared.Contacts.Count > MaxContacts || prepared.Contacts.Any(c => !Keyword(c))
            ? (null, $"at most {MaxContacts} contacts of 1 to {MaxKeywordLength} characters")
            : (prepared, null);
    }

    /// <summary>Null when the document can be indexed, else why not.</summary>
    public static string? Check(SearchDocument d)
    {
        if (string.IsNullOrEmpty(d.Id) || d.Id.Length > MaxIdLength)
        {
            return $"id must have 1 to {MaxIdLength} characters";
        }

        if (!DocumentTypes.All.Contains(d.Type))
        {
            return $"type must be one of {string.Join(", ", DocumentTypes.All)}";
        }

        if (!Keyword(d.Channel) || !Keyword(d.Account) || d.AuthorId is { } a && !Keyword(a) || d.Owner is { } o && !Keyword(o))
        {
            return $"channel, account, author and owner must have 1 to {MaxKeywordLength} characters";
        }

        if (d.Tags.Count > MaxTags || d.Tags.Any(t => !Keyword(t)))
        {
            return $"at most {MaxTags} tags of 1 to {MaxKeywordLength} characters";
        }

        return d.Text.Length + (d.Title?.Length ?? 0) > MaxTextLength ? $"title and text must be at most {MaxTextLength} characters" : null;
    }

    private static bool Keyword(string value) => value.Length is > 0 and <= MaxKeywordLength;
}
