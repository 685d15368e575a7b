using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion;
using Scrm.Platform.Scheduling;
using Scrm.Testing;
using Scrm.Workflows.Api;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Runtime;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Scrm.Workflows.Tests;

/// <summary>A host with storage, scheduling, the journal and the engine, and helpers to publish and run definitions.</summary>
internal sealed class Engine : IAsyncDisposable
{
    private readonly StorageUnderTest _storage;
    private readonly IReadOnlyDictionary<string, string?>? _settings;

    private Engine(ModuleHost host, StorageUnderTest storage, IReadOnlyDictionary<string, string?>? settings)
    {
        Host = host;
        _storage = storage;
        _settings = settings;
    }

    public ModuleHost Host { get; private set; }

    public WorkflowRuntime Runtime => Host.Get<WorkflowRuntime>();

    public DefinitionStore Definitions => Host.Get<DefinitionStore>();

    /// <summary>Starts the engine on <paramref name="storage"/> (SQLite by default); <paramref name="data"/> to share a data folder with another host.</summary>
    public static async Task<Engine> StartAsync(StorageUnderTest? storage = null, TempDirectory? data = null, Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        storage ??= StorageUnderTest.Sqlite;
        return new(await StartHostAsync(storage, data, services, settings), storage, settings);
    }

    private static Task<ModuleHost> StartHostAsync(StorageUnderTest storage, TempDirectory? data, Action<IServiceCollection>? services, IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Scrm:Workflows:SweepInterval"] = "00:00:00.200",
            ["Scrm:Workflows:EarlyEventWindow"] = "00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return ModuleHost.StartAsync(storage, (s, c) =>
        {
            s.AddScrmScheduling(c).AddScrmIngestion(c).AddScrmWorkflows(c);
            services?.Invoke(s);
        }, all, data: data);
    }

    /// <summary>Stops the host as a shutdown would and starts a new one on the same storage and data folder.</summary>
    public async Task RestartAsync(Action<IServiceCollection>? services = null)
    {
        var data = new TempDirectory(new DirectoryInfo(Host.DataDirectory));
        await Host.StopAsync();
        Host = await StartHostAsync(_storage, data, services, _settings);
    }

    public async Task<WorkflowDefinition> PublishAsync(string json)
    {
        var parse = DefinitionJson.Parse(json, 1 << 20);
        parse.Error.ShouldBeNull();
        var definition = parse.Definition!;
        var existing = await Definitions.GetAsync(definition.Id, TestContext.Current.CancellationToken);
        var saved = existing is null
            ? await Definitions.CreateAsync(definition, TestContext.Current.CancellationToken)
            : await Definitions.SaveDraftAsync(definition.Id, definition, TestContext.Current.CancellationToken);
        saved.Errors.ShouldBeEmpty();
        var published = await Definitions.PublishAsync(definition.Id, TestContext.Current.CancellationToken);
        published.Outcome.ShouldBe(PublishOutcome.Published);
        return published.Definition!;
    }

    public async Task<RunResult> RunAsync(string id, JsonNode? input = null)
    {
        var result = await Runtime.RunAsync(id, input, null, TestContext.Current.CancellationToken);
        result.Outcome.ShouldBe(RunOutcome.Started);
        return result;
    }

    public async Task<InstanceDetail> InstanceAsync(string id) =>
        (await Host.Get<InstanceQueries>().GetAsync(id, TestContext.Current.CancellationToken)).ShouldNotBeNull();

    public async Task<InstanceDetail> WaitForAsync(string id, string status, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var detail = await InstanceAsync(id);
            if (detail.Instance.Status == status || DateTime.UtcNow > until)
            {
                detail.Instance.Status.ShouldBe(status, string.Join("; ", detail.IncidentLog.Select(i => i.Message)));
                return detail;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public Task<DispatchResult> PublishEventAsync(string name, string? correlationId, JsonNode? payload = null) =>
        Runtime.DispatchAsync([new Stimulus("event:" + name, correlationId is null ? [""] : [correlationId, ""], payload, CorrelationId: correlationId)],
            keepUnmatched: true, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

internal static class Json
{
    public static JsonNode? Parse(string json) => JsonNode.Parse(json);
}
