using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scrm.Search.Elasticsearch;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>
/// Indexing throughput through the adapter against the fake cluster on loopback (documents per
/// second, bulk bodies of 2,000 Chinese articles), and serialization cost per document. Runs when
/// <c>SCRM_ES_THROUGHPUT</c> names a file to append the figures to.
/// </summary>
public sealed class ElasticsearchThroughputTests
{
    private const int Batch = 2_000;
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Indexing_throughput_against_the_fake_cluster()
    {
        var report = Environment.GetEnvironmentVariable("SCRM_ES_THROUGHPUT");
        if (string.IsNullOrWhiteSpace(report))
        {
            Assert.Skip("SCRM_ES_THROUGHPUT is not set: no throughput figures wanted.");
        }

        var texts = File.ReadLines(Repo.Fixture("chinese", "crm_articles.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
        List<SearchDocument> Documents(string prefix, int count) =>
            [.. Enumerable.Range(0, count).Select(i => new SearchDocument($"{prefix}-{i}", "mention", i % 2 == 0 ? "weibo" : "wechat", "brand", $"u{i % 50}", "張三", null,
                texts[i % texts.Count], Start.AddMinutes(i), i % 7 == 0 ? "rep-1" : null, i % 4 == 0 ? ["vip"] : []))];

        await using var fake = await FakeElasticsearch.StartAsync();
        fake.CheckBodies = false;
        var options = new ElasticsearchOptions { Url = fake.Url.ToString(), Index = "crm", MaxRetries = 1, RequestTimeout = TimeSpan.FromSeconds(30) };
        using var client = new ElasticsearchClientIndex(ClientSettings.Create(options), Options.Create(options), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
        var plainOptions = new ElasticsearchOptions { Url = fake.Url.ToString(), Index = "crm", MaxRetries = 1, RequestTimeout = TimeSpan.FromSeconds(30), HttpCompression = false };
        using var plain = new ElasticsearchClientIndex(ClientSettings.Create(plainOptions), Options.Create(plainOptions), Options.Create(new SearchOptions()), TimeProvider.System, NullLogger<ElasticsearchClientIndex>.Instance);
        var lines = new List<string>();
        async Task<double> RateAsync(string name, Func<IReadOnlyList<SearchDocument>, Task<IndexWriteResult>> write, int batches)
        {
            await write(Documents(name + "-warm", Batch));
            var clock = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                (await write(Documents($"{name}-{b}", Batch))).Written.ShouldBe(Batch);
            }

            var rate = batches * Batch / clock.Elapsed.TotalSeconds;
            lines.Add($"{name}: {batches * Batch} docs in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0} docs/s");
            return rate;
        }

        var rates = new List<double>();
        var plainRates = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            rates.Add(await RateAsync("client (gzip)", d => client.AddAsync(d, Ct), 5));
            plainRates.Add(await RateAsync("client (no compression)", d => plain.AddAsync(d, Ct), 5));
        }

        var serialize = Documents("ser", 20_000).Select(EsDocument.From).ToList();
        var serializer = ClientSettings.Create(options).SourceSerializer;
        using var sink = new MemoryStream();
        var timer = Stopwatch.StartNew();
        foreach (var d in serialize)
        {
            serializer.Serialize(d, sink);
        }

        lines.Add($"client serialization: {timer.Elapsed.TotalMicroseconds / serialize.Count:F2} us/doc, {sink.Length / serialize.Count} bytes/doc");
        lines.Add($"client best: {rates.Max():F0} docs/s (gzip), {plainRates.Max():F0} docs/s (no compression)");
        await File.AppendAllLinesAsync(report, lines, Ct);
    }
}
