using Scrm.Search.Feeds;
using Scrm.Testing;

namespace Scrm.Search.Tests;

public sealed class FeedTests
{
    [Theory]
    [InlineData(0, "1,2,3", "", 3)]
    [InlineData(0, "1,2,4,5", "", 2)]
    [InlineData(0, "1,2,4,5", "3", 5)]
    [InlineData(10, "12,13", "", 10)]
    [InlineData(10, "12,13", "11", 13)]
    [InlineData(10, "", "", 10)]
    public void The_mark_stops_before_a_missing_number_until_it_has_been_missing_long_enough(long after, string sequences, string settled, long reached)
    {
        var missingLongEnough = settled.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToHashSet();
        LeadAssignmentFeed.Reached(after, sequences.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse), missingLongEnough.Contains)
            .ShouldBe(reached);
    }

    [Fact]
    public async Task Feed_marks_survive_a_restart_with_the_documents_committed_before_them()
    {
        using var folder = new TempDirectory("scrm-marks");
        var ct = TestContext.Current.CancellationToken;
        var document = new SearchDocument("customer:1", DocumentTypes.Customer, "crm", "customers", null, null, "趙海燕", "藍鯨物流", DateTimeOffset.UnixEpoch, null, []);
        using (var index = ChineseCorpus.OpenIndex(folder.Path))
        {
            (await index.ReadMarkAsync("customers", ct)).ShouldBeNull();
            await index.UpsertAsync([document], ct);
            await index.SaveMarkAsync("customers", "42:abc", ct);
            index.Commit();
            await index.SaveMarkAsync("customers", "43:saved-at-shutdown", ct);
        }

        using var reopened = ChineseCorpus.OpenIndex(folder.Path);
        (await reopened.ReadMarkAsync("customers", ct)).ShouldBe("43:saved-at-shutdown", "disposing commits");
        (await reopened.CountAsync("藍鯨", SearchFilter.None, ct)).ShouldBe(1);
    }
}
