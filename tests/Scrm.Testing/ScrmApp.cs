using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Scrm.Testing;

/// <summary>Which database a test host runs on.</summary>
public sealed record StorageUnderTest(string Provider, string? ConnectionString)
{
    public static StorageUnderTest Sqlite { get; } = new("Sqlite", null);

    public static StorageUnderTest Postgres(string connectionString) => new("Postgres", connectionString);

    public override string ToString() => Provider;
}

/// <summary>
/// The real host, in process, on a real Kestrel socket on loopback, with its own data folder and
/// one API key per role (<see cref="KeyFor"/>).
/// </summary>
public class ScrmApp : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new("scrm-app");
    private readonly StorageUnderTest _storage;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    static ScrmApp() =>
        // Where the host's appsettings.json lives, whatever project or folder the factory runs from.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SCRM_HOST", Path.Combine(Repo.Root, "src", "Scrm.Host"));

    public ScrmApp(StorageUnderTest? storage = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _storage = storage ?? StorageUnderTest.Sqlite;
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        UseKestrel(0);
    }

    public static readonly string[] Roles = ["admin", "marketer", "community", "sales", "ingest"];

    public string DataDirectory => _data.Path;

    public static string KeyFor(string role) => $"test-{role}-key-0123456789abcdef";

    /// <summary>A client on the real socket that sends the given role's API key.</summary>
    public HttpClient ClientFor(string role)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", KeyFor(role));
        return client;
    }

    /// <summary>The real socket's address (after the server has started).</summary>
    public Uri BaseAddress
    {
        get
        {
            using var client = CreateClient();
            return client.BaseAddress!;
        }
    }

    /// <summary>A client that does not follow redirects, for checking them.</summary>
    public HttpClient ClientWithoutRedirects() =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Scrm:Storage:Provider", _storage.Provider);
        builder.UseSetting("Scrm:Storage:DataDirectory", _data.Path);
        if (_storage.ConnectionString is not null)
        {
            builder.UseSetting("Scrm:Storage:ConnectionString", _storage.ConnectionString);
        }

        for (var i = 0; i < Roles.Length; i++)
        {
            builder.UseSetting($"Scrm:Auth:ApiKeys:{i}:Key", KeyFor(Roles[i]));
            builder.UseSetting($"Scrm:Auth:ApiKeys:{i}:Role", Roles[i]);
        }

        builder.UseSetting("Scrm:Journal:ConsumerPollInterval", "00:00:00.200");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
        GC.SuppressFinalize(this);
    }
}
