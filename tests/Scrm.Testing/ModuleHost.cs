using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scrm.Platform.Storage;

namespace Scrm.Testing;

/// <summary>
/// A generic host with only the modules a test names, on real storage in a temp folder: schema
/// migrated, hosted services (journal writer, consumers) running. For module tests below HTTP.
/// </summary>
public sealed class ModuleHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempDirectory _data;

    private ModuleHost(IHost host, TempDirectory data)
    {
        _host = host;
        _data = data;
    }

    public IServiceProvider Services => _host.Services;

    public string DataDirectory => _data.Path;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<ModuleHost> StartAsync(
        StorageUnderTest storage,
        Action<IServiceCollection, IConfiguration> modules,
        IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        TempDirectory? data = null)
    {
        data ??= new TempDirectory("scrm-module");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Scrm:Storage:Provider"] = storage.Provider,
            ["Scrm:Storage:ConnectionString"] = storage.ConnectionString,
            ["Scrm:Storage:DataDirectory"] = data.Path,
            ["Scrm:Journal:ConsumerPollInterval"] = "00:00:00.100",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddScrmStorage(builder.Configuration);
        modules(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.Services.MigrateScrmStorageAsync();
        await host.StartAsync();
        return new ModuleHost(host, data);
    }

    /// <summary>Stops the host gracefully; the data folder is kept for a restart with <see cref="DataDirectory"/>.</summary>
    public async Task StopAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }

        _host.Dispose();
        _data.Dispose();
    }
}
