using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>Journal positions the index has never been asked for are appended; anything else is replaced by id.</summary>
public sealed class JournalWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SearchDocument Doc(int n) =>
        new($"webhook:weibo:{n}", DocumentTypes.Mention, "webhook", "weibo", null, null, null, $"第{n}條 重投測試", DateTimeOffset.UnixEpoch.AddDays(n), null, []);

    private static List<SearchDocument> Docs(int from, int to) => Enumerable.Range(from, to - from + 1).Select(Doc).ToList();

    private static async Task<long> CountAsync(Lucene.LuceneSearchIndex index)
    {
        await index.RefreshAsync(Ct);
        return await index.CountAsync("重投測試", SearchFilter.None, Ct);
    }

    [Fact]
    public async Task A_redelivered_batch_replaces_instead_of_adding_twice()
    {
        using var folder = new TempDirectory();
        using var index = ChineseCorpus.OpenIndex(folder.Path);

        await index.WriteJournalAsync(Docs(1, 5), 1, 5, Ct);
        await index.WriteJournalAsync(Docs(1, 5), 1, 5, Ct);
        (await CountAsync(index)).ShouldBe(5);
        await index.WriteJournalAsync(Docs(3, 8), 3, 8, Ct);

        (await CountAsync(index)).ShouldBe(8);
    }

    [Fact]
    public async Task Positions_reserved_for_a_rebuild_are_replaced_by_id()
    {
        using var folder = new TempDirectory();
        using var index = ChineseCorpus.OpenIndex(folder.Path);

        index.Reserve(10);
        await index.UpsertAsync(Docs(1, 10), Ct);
        await index.WriteJournalAsync(Docs(6, 10), 6, 10, Ct);
        (await CountAsync(index)).ShouldBe(10);
        await index.WriteJournalAsync(Docs(11, 12), 11, 12, Ct);

        (await CountAsync(index)).ShouldBe(12);
    }

    [Fact]
    public async Task After_reopening_the_committed_positions_are_replaced_and_later_ones_appended()
    {
        using var folder = new TempDirectory();
        using (var index = ChineseCorpus.OpenIndex(folder.Path))
        {
            await index.WriteJournalAsync(Docs(1, 5), 1, 5, Ct);
            index.MarkWritten(5);
            index.Commit();

            // A commit that lands between a batch's write and its position mark holds documents past the position.
            await index.WriteJournalAsync(Docs(6, 7), 6, 7, Ct);
            index.Commit();
        }

        using var reopened = ChineseCorpus.OpenIndex(folder.Path);
        reopened.WrittenPosition.ShouldBe(5);
        await reopened.WriteJournalAsync(Docs(6, 7), 6, 7, Ct);
        (await CountAsync(reopened)).ShouldBe(7);
        await reopened.WriteJournalAsync(Docs(1, 7), 1, 7, Ct);
        await reopened.WriteJournalAsync(Docs(8, 9), 8, 9, Ct);

        (await CountAsync(reopened)).ShouldBe(9);
    }
}
