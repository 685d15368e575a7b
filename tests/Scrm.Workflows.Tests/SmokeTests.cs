using Scrm.Testing;

namespace Scrm.Workflows.Tests;

public sealed class SqliteExampleDefinitionTests(PostgresServer postgres) : ExampleDefinitionTests(postgres, usePostgres: false);

public sealed class PostgresExampleDefinitionTests(PostgresServer postgres) : ExampleDefinitionTests(postgres, usePostgres: true);

public abstract class ExampleDefinitionTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    [Fact]
    public async Task Shipped_example_publishes_and_runs_to_the_end()
    {
        await using var engine = await StartEngineAsync();
        var json = await File.ReadAllTextAsync(Path.Combine(Scrm.Testing.Repo.Root, "workflows", "definitions", "example-lead-score.json"), TestContext.Current.CancellationToken);
        await engine.PublishAsync(json);

        var run = await engine.RunAsync("example-lead-score", Json.Parse("""{"company":"Acme","phone":"+8613800000000"}"""));

        var detail = await engine.WaitForAsync(run.InstanceId!, "finished");
        detail.Variables["score"]!.GetValue<long>().ShouldBe(70);
        detail.Variables["tier"]!.GetValue<string>().ShouldBe("hot");
        detail.Log.Select(l => l.ActivityId).ShouldBe(["start", "score", "hot", "tier", "note", "end"]);
        detail.Log.Single(l => l.ActivityId == "note").Outputs!["message"]!.GetValue<string>().ShouldBe("Lead scored 70 (hot)");
    }
}
