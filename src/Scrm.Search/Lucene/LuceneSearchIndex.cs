using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Extensions.Logging;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Scrm.Search.Lucene;

/// <summary>
/// The embedded index: one <see cref="IndexWriter"/>, a near-real-time <see cref="SearcherManager"/>,
/// and the last journal position written recorded in each commit, so that after a hard kill the
/// indexer replays from where the durable index ends. A corrupt index is moved aside and rebuilt.
/// </summary>
internal sealed partial class LuceneSearchIndex : IIndexBackend, IDisposable
{
    internal const string PositionKey = "scrm.journal_position";

    /// <summary>Every journal position above this one is certainly not in the commit (see <see cref="WriteJournalAsync"/>).</summary>
    internal const string AttemptedKey = "scrm.journal_attempted";

    /// <summary>Prefix of the commit data keys that hold the feeds' marks.</summary>
    internal const string FeedKeyPrefix = "scrm.feed.";
    private const int ParallelBatch = 1_000;

    private static readonly Similarity Bm25 = new BM25Similarity();

    private readonly CrmAnalyzer _pairs = new(bigrams: true);
    private readonly CrmAnalyzer _singles = new(bigrams: false);
    private readonly Analyzer _perField;
    private readonly LuceneQueries _queries;
    private readonly Snippets _snippets;
    private readonly long _dayOffsetMs;
    private readonly System.Threading.Lock _commitLock = new();
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private long _written;
    private long _committed;
    private long _attempted;
    private bool _disposed;

    // The feeds' marks; committed with the documents, so a restart finds them no further than what is durable.
    private readonly Dictionary<string, string> _marks = new(StringComparer.Ordinal);
    private bool _marksChanged;

    /// <summary>Where hits read the mention texts the index does not store; null: every text is stored.</summary>
    private readonly JournalTexts? _texts;

    public LuceneSearchIndex(string path, LuceneOptions options, TimeSpan facetOffset, ILogger<LuceneSearchIndex> log, JournalTexts? texts = null)
    {
        Path = path;
        _texts = texts;
        _dayOffsetMs = (long)facetOffset.TotalMilliseconds;
        _perField = new PerFieldAnalyzerWrapper(_pairs, new Dictionary<string, Analyzer>
        {
            [LuceneFields.TextUni] = _singles,
            [LuceneFields.TitleUni] = _singles,
        });
        _queries = new LuceneQueries(_pairs, _singles);
        _snippets = new Snippets(_pairs, _singles);
        try
        {
            (_directory, _writer, _searchers) = Open(path, options);
        }
        catch (Exception ex) when (IsDamage(ex))
        {
            var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
            LogCorrupt(log, ex, aside);
            System.IO.Directory.Move(path, aside);
            (_directory, _writer, _searchers) = Open(path, options);
        }

        _committed = _written = Read(_writer.CommitData, PositionKey) ?? 0;
        _attempted = Math.Max(_written, Read(_writer.CommitData, AttemptedKey) ?? 0);
        foreach (var (key, value) in _writer.CommitData.Where(d => d.Key.StartsWith(FeedKeyPrefix, StringComparison.Ordinal)))
        {
            _marks[key[FeedKeyPrefix.Length..]] = value;
        }

        LogOpened(log, _written, _writer.NumDocs);
    }

    public string Path { get; }

    private static long? Read(IDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public long? WrittenPosition => Volatile.Read(ref _written);

    /// <summary>The journal position the last durable commit covers.</summary>
    public long CommittedPosition => Volatile.Read(ref _committed);

    public int DocumentCount => _writer.NumDocs;

    private (LuceneDirectory, IndexWriter, SearcherManager) Open(string path, LuceneOptions options)
    {
        System.IO.Directory.CreateDirectory(path);
        var directory = FSDirectory.Open(path);
        IndexWriter? writer = null;
        try
        {
            writer = new IndexWriter(directory, new IndexWriterConfig(CrmAnalyzer.Version, _perField)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                RAMBufferSizeMB = options.RamBufferMb,
                Similarity = Bm25,
            });

            // Opening the reader reads every segment's headers: damage shows here, not at the first search.
            var searchers = new SearcherManager(writer, applyAllDeletes: true, new Bm25Searchers());
            return (directory, writer, searchers);
        }
        catch
        {
            writer?.Dispose();
            directory.Dispose();
            throw;
        }
    }

    private static bool IsDamage(Exception ex) =>
        ex is CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or EndOfStreamException
            || ex is IOException && ex is not LockObtainFailedException;

    public Task<IndexWriteResult> AddAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
        UpsertAsync(documents, cancellationToken);

    public Task<IndexWriteResult> UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
        Task.FromResult(Write(documents, replace: true, cancellationToken));

    /// <summary>
    /// After a crash the index is back at its last commit, so nothing after <see cref="CommittedPosition"/> is in it:
    /// positions beyond every one attempted since opening are appended without the delete-by-id, which is a fifth of the cost of indexing.
    /// </summary>
    public Task<IndexWriteResult> WriteJournalAsync(IReadOnlyList<SearchDocument> documents, long first, long last, CancellationToken cancellationToken)
    {
        bool fresh;
        lock (_commitLock)
        {
            fresh = first > _attempted;
            _attempted = Math.Max(_attempted, last);
        }

        return Task.FromResult(Write(documents, replace: !fresh, cancellationToken));
    }

    public void Reserve(long through)
    {
        lock (_commitLock)
        {
            _attempted = Math.Max(_attempted, through);
        }
    }

    private IndexWriteResult Write(IReadOnlyList<SearchDocument> documents, bool replace, CancellationToken cancellationToken)
    {
        var rejected = new System.Collections.Concurrent.ConcurrentBag<RejectedDocument>();
        var written = 0;
        void Write(int from, int to)
        {
            var mine = 0;
            for (var i = from; i < to; i++)
            {
                var (document, reason) = DocumentRules.Prepare(documents[i]);
                if (document is null)
                {
                    rejected.Add(new RejectedDocument(documents[i].Id, reason!));
                    continue;
                }

                if (replace)
                {
                    _writer.UpdateDocument(LuceneFields.IdTerm(document.Id), LuceneFields.ToDocument(document, _texts is not null));
                }
                else
                {
                    _writer.AddDocument(LuceneFields.ToDocument(document, _texts is not null));
                }

                mine++;
            }

            Interlocked.Add(ref written, mine);
        }

        // The writer takes documents from several threads at once (one in-memory segment each): large batches use every core.
        if (documents.Count >= ParallelBatch && Environment.ProcessorCount > 1)
        {
            var slice = (documents.Count + Environment.ProcessorCount - 1) / Environment.ProcessorCount;
            Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { CancellationToken = cancellationToken }, p =>
                Write(p * slice, Math.Min(documents.Count, (p + 1) * slice)));
        }
        else
        {
            Write(0, documents.Count);
        }

        return new IndexWriteResult(written, [.. rejected.OrderBy(r => r.Id, StringComparer.Ordinal)]);
    }

    public Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count > 0)
        {
            _writer.DeleteDocuments([.. ids.Select(LuceneFields.IdTerm)]);
        }

        return Task.CompletedTask;
    }

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var clauses = _queries.Analyse(query.Text);
        var lucene = _queries.Build(query.Text, clauses, query.Filter, query.MatchContacts);
        if (lucene is null)
        {
            return new SearchResult([], 0, true, SearchFacets.Empty, null, false, []);
        }

        var sort = LuceneSorts.Effective(query.Sort, clauses);
        List<(SearchDocument, FieldDoc)> found;
        bool more;
        int total;
        SearchFacets result;
        var searcher = _searchers.Acquire();
        try
        {
            var top = TopFieldCollector.Create(
                LuceneSorts.For(sort), query.Size + 1, LuceneSorts.After(query.After, sort),
                fillFields: true, trackDocScores: sort == SearchSort.Relevance, trackMaxScore: false, docsScoredInOrder: false);
            var facets = query.Facets ? new FacetCollector(_dayOffsetMs) : null;
            searcher.Search(lucene, facets is null ? top : MultiCollector.Wrap(top, facets));
            var docs = top.GetTopDocs().ScoreDocs;
            found = new List<(SearchDocument, FieldDoc)>(Math.Min(docs.Length, query.Size));
            for (var i = 0; i < docs.Length && i < query.Size; i++)
            {
                var fieldDoc = (FieldDoc)docs[i];
                found.Add((LuceneFields.FromDocument(searcher.Doc(fieldDoc.Doc)), fieldDoc));
            }

            more = docs.Length > query.Size;
            total = top.TotalHits;
            result = facets?.Result() ?? SearchFacets.Empty;
        }
        finally
        {
            _searchers.Release(searcher);
        }

        var texts = await TextsAsync(found, cancellationToken);
        var hits = new List<SearchHit>(found.Count);
        foreach (var (stored, fieldDoc) in found)
        {
            var document = stored.JournalPosition is { } position ? stored with { Text = texts.GetValueOrDefault(position, "") } : stored;
            var snippet = _snippets.Build(document.Text, clauses);
            var score = sort == SearchSort.Relevance ? (double?)fieldDoc.Score : null;
            hits.Add(new SearchHit(document, score, snippet, LuceneSorts.Position(fieldDoc, sort)));
        }

        return new SearchResult(hits, total, true, result, more ? hits[^1].Position : null, false, []);
    }

    /// <summary>The texts of the hits whose text the index did not store, read from the journal in one query.</summary>
    private async Task<IReadOnlyDictionary<long, string>> TextsAsync(List<(SearchDocument Document, FieldDoc)> found, CancellationToken cancellationToken)
    {
        var positions = found.Select(f => f.Document.JournalPosition).OfType<long>().ToList();
        return positions.Count == 0 || _texts is null ? new Dictionary<long, string>() : await _texts.ReadAsync(positions, cancellationToken);
    }

    public Task<long> CountAsync(string? text, SearchFilter filter, CancellationToken cancellationToken)
    {
        var lucene = _queries.Build(text, _queries.Analyse(text), filter, matchContacts: false);
        if (lucene is null)
        {
            return Task.FromResult(0L);
        }

        var searcher = _searchers.Acquire();
        try
        {
            var counter = new TotalHitCountCollector();
            searcher.Search(lucene, counter);
            return Task.FromResult((long)counter.TotalHits);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public void MarkWritten(long position)
    {
        var current = Volatile.Read(ref _written);
        while (position > current)
        {
            var seen = Interlocked.CompareExchange(ref _written, position, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        _searchers.MaybeRefreshBlocking();
        return Task.CompletedTask;
    }

    /// <summary>Reopens the searcher if anything changed; cheap when nothing did.</summary>
    public void Refresh() => _searchers.MaybeRefresh();

    /// <summary>Makes every write so far durable, with the journal position it covers.</summary>
    public void Commit()
    {
        lock (_commitLock)
        {
            if (_disposed)
            {
                return;
            }

            var position = Volatile.Read(ref _written);
            if (position == _committed && !_marksChanged && !_writer.HasUncommittedChanges())
            {
                return;
            }

            // A batch being written now may be in this commit but not yet in the position: the attempted
            // mark (taken under this lock, like the writers' own) bounds what the commit can contain.
            var data = new Dictionary<string, string>
            {
                [PositionKey] = position.ToString(CultureInfo.InvariantCulture),
                [AttemptedKey] = _attempted.ToString(CultureInfo.InvariantCulture),
            };
            foreach (var (feed, mark) in _marks)
            {
                data[FeedKeyPrefix + feed] = mark;
            }

            _writer.SetCommitData(data);
            _writer.Commit();
            _marksChanged = false;
            Volatile.Write(ref _committed, position);
        }
    }

    public Task<string?> ReadMarkAsync(string feed, CancellationToken cancellationToken)
    {
        lock (_commitLock)
        {
            return Task.FromResult(_marks.GetValueOrDefault(feed));
        }
    }

    /// <summary>Kept for the next commit, which makes the documents written before it durable too.</summary>
    public Task SaveMarkAsync(string feed, string mark, CancellationToken cancellationToken)
    {
        lock (_commitLock)
        {
            _marks[feed] = mark;
            _marksChanged = true;
        }

        return Task.CompletedTask;
    }

    /// <summary>Bytes the index takes on disk.</summary>
    public long SizeOnDisk() =>
        new DirectoryInfo(Path).EnumerateFiles().Sum(f => f.Exists ? f.Length : 0);

    public Task<IRebuildTarget> BeginRebuildAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IRebuildTarget>(new InPlaceRebuild(this));

    public void Dispose()
    {
        Commit();
        lock (_commitLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
    }

    /// <summary>Searches always see the writer's latest state, so a rebuild rewrites every document in place: no downtime, no swap.</summary>
    private sealed class InPlaceRebuild(LuceneSearchIndex index) : IRebuildTarget
    {
        public Task<IndexWriteResult> WriteAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
            index.UpsertAsync(documents, cancellationToken);

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            index.Commit();
            return index.RefreshAsync(cancellationToken);
        }
    }

    private sealed class Bm25Searchers : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Bm25 };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index opened at journal position {Position} with {Documents} document(s)")]
    private static partial void LogOpened(ILogger logger, long position, int documents);

    [LoggerMessage(Level = LogLevel.Error, Message = "Search index is damaged; moved it to {Aside} and starting an empty one that the journal refills")]
    private static partial void LogCorrupt(ILogger logger, Exception exception, string aside);
}
