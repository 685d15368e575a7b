using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Journal;
using Scrm.Testing;
using Scrm.Workflows.History;

namespace Scrm.Leads.Tests;

public sealed class SqliteHistoryReportTests(PostgresServer postgres) : HistoryReportTests(postgres, usePostgres: false);

public sealed class PostgresHistoryReportTests(PostgresServer postgres) : HistoryReportTests(postgres, usePostgres: true);

/// <summary>
/// Workflow history is what retention deletes; what managers read is not history. After the shipped
/// lead conversion has run on mentions and a web form and every ended run is deleted, its per-step
/// counts and the channel report answer exactly what they answered before.
/// </summary>
public abstract class HistoryReportTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _app = new ScrmApp(usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Per_step_counts_and_the_channel_report_are_the_same_after_the_workflow_history_is_deleted()
    {
        using var ingest = _app.ClientFor("ingest");
        var mentions = new[] { "请问这款软件的价格是多少？", "想购买企业版，怎么收费", "今天天气不错", "路过看看", "想申请试用" }
            .Select((text, i) => new { source = "weibo", externalId = $"h{i}", author = new { id = $"wb-h{i}", name = $"微博用户{i}" }, text, createdAt = DateTimeOffset.UtcNow.ToString("O") })
            .ToList();
        (await ingest.PostAsJsonAsync("/api/v1/mentions", mentions, Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using var anonymous = _app.CreateClient();
        (await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "王小明", ["phone"] = "13800138123", ["company"] = "示例科技",
        }), Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await CaughtUpAsync();

        using var marketer = _app.ClientFor("marketer");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var report = $"/api/v1/leads/reports/channels?from={today.AddDays(-2):yyyy-MM-dd}&to={today.AddDays(2):yyyy-MM-dd}";
        var definition = await marketer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/definitions/lead-conversion", Ct);
        var counts = $"/api/v1/workflows/definitions/lead-conversion/versions/{definition.GetProperty("definition").GetProperty("version").GetInt32()}/counts";
        var instances = "/api/v1/workflows/instances?definition=lead-conversion&status=finished";
        var countsBefore = await marketer.GetStringAsync(counts, Ct);
        var reportBefore = await marketer.GetStringAsync(report, Ct);
        var ended = await marketer.GetFromJsonAsync<JsonElement>(instances, Ct);
        ended.GetArrayLength().ShouldBe(4, "three mentions with buying intent and the form ended in the shared pool; the two without intent were never stored");
        JsonDocument.Parse(reportBefore).RootElement.EnumerateArray().Sum(line => line.GetProperty("leads").GetInt32()).ShouldBe(4);
        JsonDocument.Parse(countsBefore).RootElement.EnumerateArray()
            .Single(step => step.GetProperty("activityId").GetString() == "intent").GetProperty("completed").GetInt32().ShouldBe(6);

        var swept = await _app.Services.GetRequiredService<HistoryRetention>().SweepAsync(DateTimeOffset.UtcNow.AddDays(100), Ct);

        swept.Instances.ShouldBe(4);
        (await marketer.GetFromJsonAsync<JsonElement>(instances, Ct)).GetArrayLength().ShouldBe(0);
        (await marketer.GetAsync($"/api/v1/workflows/instances/{ended[0].GetProperty("id").GetString()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await marketer.GetStringAsync(counts, Ct)).ShouldBe(countsBefore);
        (await marketer.GetStringAsync(report, Ct)).ShouldBe(reportBefore);
    }

    private async Task CaughtUpAsync()
    {
        var reader = _app.Services.GetRequiredService<JournalReader>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var stats = await reader.StatsAsync(Ct);
            if (stats.Appended >= 6 && stats.Consumers.Count > 0 && stats.Consumers.All(c => c.Lag == 0))
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the consumers did not catch up in time");
            await Task.Delay(50, Ct);
        }
    }
}
