using Scrm.Platform.Storage;

namespace Scrm.Search.Lucene;

/// <summary>The embedded index's folder in the storage report.</summary>
internal sealed class LuceneFootprint(LuceneSearchIndex index) : IStorageFootprint
{
    public Task<IReadOnlyList<StoragePart>> MeasureAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoragePart>>([new StoragePart("search index (Lucene)", StorageReporter.FolderBytes(index.Path))]);
}
