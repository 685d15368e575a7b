using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>Replicas on one PostgreSQL with embedded indexes: only the replica that indexes is ready, and the other says why.</summary>
public sealed class ScaleOutRuleTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_second_replica_with_its_own_embedded_index_on_shared_PostgreSQL_is_not_ready_and_names_the_fix()
    {
        var storage = StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync());
        await using var first = new ScrmApp(storage, new Dictionary<string, string?> { ["Scrm:Journal:InstanceId"] = "replica-a" });
        using var firstClient = first.CreateClient();
        await WaitForAsync(async () => (await firstClient.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK);

        await using var second = new ScrmApp(storage, new Dictionary<string, string?> { ["Scrm:Journal:InstanceId"] = "replica-b" });
        using var secondClient = second.CreateClient();
        var response = await secondClient.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var check = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("checks").GetProperty("search-replicas");
        check.GetProperty("status").GetString().ShouldBe("Unhealthy");
        check.GetProperty("description").GetString()!.ShouldContain("Elasticsearch");
        check.GetProperty("description").GetString()!.ShouldContain("replica-a");

        (await firstClient.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the first replica never became ready");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
