using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scrm.Platform.Storage;
using Scrm.Testing;

namespace Scrm.Host.Tests;

public sealed class SqliteDurabilityTests(PostgresServer postgres) : DurabilityTests(postgres, usePostgres: false);

public sealed class PostgresDurabilityTests(PostgresServer postgres) : DurabilityTests(postgres, usePostgres: true);

/// <summary>Kill the host hard while clients post: nothing acknowledged is lost, nothing is half written.</summary>
public abstract class DurabilityTests(PostgresServer postgres, bool usePostgres)
{
    private sealed record Sent(string[] Keys, bool Acknowledged);

    [Fact]
    public async Task Every_acknowledged_item_survives_a_hard_kill_exactly_once_and_no_batch_is_partial()
    {
        using var data = new TempDirectory("scrm-kill");
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        var host = await ChildHost.StartAsync(storage, data.Path);
        var sent = new ConcurrentBag<Sent>();
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            using var client = host.ClientFor("ingest");
            var random = new Random(c);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var keys = Enumerable.Range(0, random.Next(1, 21)).Select(i => $"k{c}-{n}-{i}").ToArray();
                var body = "[" + string.Join(',', keys.Select(k =>
                    $$"""{"source":"kill","externalId":"{{k}}","author":{"id":"a"},"text":"内容 {{k}}"}""")) + "]";
                try
                {
                    var response = await client.PostAsync("/api/v1/mentions", new StringContent(body, Encoding.UTF8, "application/json"));
                    sent.Add(new Sent(keys, response.StatusCode == HttpStatusCode.Accepted));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    sent.Add(new Sent(keys, Acknowledged: false));
                    return;
                }
            }
        })).ToArray();

        // Let appends pile up, then pull the plug mid-stream.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (sent.Count(s => s.Acknowledged) < 300 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        host.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        await host.DisposeAsync();

        await using var restarted = await ChildHost.StartAsync(storage, data.Path);
        var stored = await StoredKeysAsync(storage, data.Path);

        var acknowledged = sent.Where(s => s.Acknowledged).ToArray();
        acknowledged.Length.ShouldBeGreaterThanOrEqualTo(300);
        foreach (var request in acknowledged)
        {
            request.Keys.ShouldAllBe(k => stored.Contains(k));
        }

        var unacknowledged = sent.Where(s => !s.Acknowledged).ToArray();
        foreach (var request in unacknowledged)
        {
            var present = request.Keys.Count(stored.Contains);
            present.ShouldBeOneOf(0, request.Keys.Length);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"acknowledged requests: {acknowledged.Length}, in flight at the kill: {unacknowledged.Length} " +
            $"({unacknowledged.Count(r => stored.Contains(r.Keys[0]))} committed before the kill), items stored: {stored.Count}");

        using var client = restarted.ClientFor("admin");
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/v1/journal/stats", TestContext.Current.CancellationToken);
        stats.GetProperty("appended").GetInt64().ShouldBe(stored.Count);
        using var ingest = restarted.ClientFor("ingest");
        var again = await ingest.PostAsync("/api/v1/mentions", new StringContent(
            $$"""{"source":"kill","externalId":"{{acknowledged[0].Keys[0]}}","text":"again"}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        (await again.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("duplicates").GetInt32().ShouldBe(1);
    }

    private static async Task<HashSet<string>> StoredKeysAsync(StorageUnderTest storage, string dataDirectory)
    {
        await using var database = new ScrmDatabase(new StorageOptions
        {
            Provider = storage.Provider == "Postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite,
            ConnectionString = storage.ConnectionString,
            DataDirectory = dataDirectory,
        });
        await using DbConnection connection = await database.Store(Ingestion.Journal.JournalStore.Name).OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT idempotency_key FROM journal_items";
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0)["webhook:kill:".Length..]);
        }

        keys.Count.ShouldBe(keys.Distinct().Count());
        return [.. keys];
    }
}
