using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Scrm.Platform.Contacts;
using Scrm.Search;
using Scrm.Search.Lucene;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>A real Lucene index in a temp folder holding the shared Chinese CRM articles, one document a sentence.</summary>
public sealed class ChineseCorpus : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("scrm-lucene");

    internal LuceneSearchIndex Index { get; private set; } = null!;

    internal IReadOnlyList<SearchDocument> Documents { get; private set; } = [];

    /// <summary>The text as the index compares it: full-width folded, lower case.</summary>
    public static string Normalise(string text) => Width.Fold(text).ToLowerInvariant();

    public async ValueTask InitializeAsync()
    {
        Index = OpenIndex(_folder.Path);
        var documents = new List<SearchDocument>();
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var n = 0;
        foreach (var line in File.ReadLines(Repo.Fixture("chinese", "crm_articles.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var text = json.RootElement.GetProperty("text").GetString()!;
            documents.Add(new SearchDocument(
                $"article:{n}",
                n % 3 == 0 ? DocumentTypes.Lead : DocumentTypes.Mention,
                n % 2 == 0 ? "weibo" : "wechat",
                "brand",
                $"author-{n % 7}",
                null,
                null,
                text,
                start.AddHours(n * 5),
                null,
                n % 4 == 0 ? ["vip"] : []));
            n++;
        }

        Documents = documents;
        await Index.UpsertAsync(documents, TestContext.Current.CancellationToken);
        await Index.RefreshAsync(TestContext.Current.CancellationToken);
    }

    internal static LuceneSearchIndex OpenIndex(string path) =>
        new(path, new LuceneOptions(), TimeSpan.FromHours(8), NullLogger<LuceneSearchIndex>.Instance);

    public ValueTask DisposeAsync()
    {
        Index.Dispose();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
