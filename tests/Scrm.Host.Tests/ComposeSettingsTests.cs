using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>Every Scrm setting docker-compose.yml passes to the app is one the app actually reads.</summary>
public sealed partial class ComposeSettingsTests(PostgresServer postgres)
{
    [Fact]
    public async Task Every_setting_compose_passes_to_the_app_is_read_at_start()
    {
        var settings = AppEnvironment(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "docker-compose.yml"), TestContext.Current.CancellationToken));
        settings.Keys.ShouldContain("Scrm:Storage:Provider");
        settings["Scrm:Storage:Provider"].ShouldBe("Postgres");

        // The compose values, with the addresses swapped for this machine's throwaway ones.
        settings["Scrm:Storage:ConnectionString"] = await postgres.CreateDatabaseAsync();
        using var data = new TempDirectory();
        settings["Scrm:Storage:DataDirectory"] = data.Path;
        settings["Scrm:Auth:ApiKeys:0:Key"] = ScrmApp.KeyFor("admin");
        // No cluster here: nothing listens at this address, and the app must start and serve anyway.
        settings["Scrm:Search:Elasticsearch:Url"] = "http://127.0.0.1:9";
        settings["Scrm:Search:CursorKey"] = Convert.ToBase64String(new byte[32]);
        var tracked = new TrackingSource(settings);
        await using var app = new ComposeApp(tracked);
        using var client = app.CreateClient();
        (await client.GetAsync("/health/live", TestContext.Current.CancellationToken)).IsSuccessStatusCode.ShouldBeTrue();

        settings.Keys.Where(k => !tracked.Read.Contains(k)).ShouldBeEmpty();
    }

    private static Dictionary<string, string?> AppEnvironment(string compose)
    {
        var app = compose[compose.IndexOf("\n  app:", StringComparison.Ordinal)..];
        app = app[..app.IndexOf("\n  lb:", StringComparison.Ordinal)];
        return EnvironmentLine().Matches(app).ToDictionary(
            m => m.Groups["key"].Value.Replace("__", ":", StringComparison.Ordinal),
            m => (string?)m.Groups["value"].Value.Trim(),
            StringComparer.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^\s{6}(?<key>Scrm__[A-Za-z0-9_]+):\s*(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex EnvironmentLine();

    private sealed class ComposeApp(TrackingSource tracked) : ScrmApp()
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureAppConfiguration(c => c.Add(tracked));
            // Modules choose their engine while registering, before late configuration sources apply.
            builder.UseSetting("Scrm:Search:Provider", tracked.Value("Scrm:Search:Provider"));
        }
    }

    /// <summary>A configuration source that remembers which of its keys were looked up.</summary>
    private sealed class TrackingSource(Dictionary<string, string?> values) : IConfigurationSource
    {
        public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, values);

        public string? Value(string key) => values.GetValueOrDefault(key);

        private sealed class Provider(TrackingSource source, Dictionary<string, string?> values) : ConfigurationProvider
        {
            public override void Load() => Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);

            public override bool TryGet(string key, out string? value)
            {
                var found = base.TryGet(key, out value);
                if (found)
                {
                    lock (source.Read)
                    {
                        source.Read.Add(key);
                    }
                }

                return found;
            }
        }
    }
}
