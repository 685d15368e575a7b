using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Platform.Storage;

namespace Scrm.Platform.Security;

public static partial class SecurityServiceCollectionExtensions
{
    /// <summary>API key authentication and the role policies every module uses.</summary>
    public static IServiceCollection AddScrmSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.ApiKeys.All(k => k.Key.Length >= ApiKeyStore.MinimumKeyLength),
                $"Every Scrm:Auth:ApiKeys:N:Key must be at least {ApiKeyStore.MinimumKeyLength} characters.")
            .Validate(o => o.ApiKeys.All(k => ScrmRoles.All.Contains(k.Role)),
                $"Every Scrm:Auth:ApiKeys:N:Role must be one of: {string.Join(", ", ScrmRoles.All)}.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var (store, newKey) = ApiKeyStore.Load(
                sp.GetRequiredService<IOptions<AuthOptions>>().Value,
                sp.GetRequiredService<ScrmDatabase>().DataDirectory);
            if (newKey is not null)
            {
                // Printed once, on the console only, never through the logging pipeline.
                Console.WriteLine();
                Console.WriteLine("  No API keys are configured, so an admin key was created. It is shown only this once:");
                Console.WriteLine($"    X-Api-Key: {newKey}");
                Console.WriteLine("  Its digest is kept in the data directory (admin-api-key.json); delete that file to create a new key.");
                Console.WriteLine();
            }
            else
            {
                var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Scrm.Security");
                var configured = sp.GetRequiredService<IOptions<AuthOptions>>().Value.ApiKeys.Count > 0;
                var keys = string.Join(", ", store.Holders.Select(h => $"{h.Name} ({h.Role})"));
                LogKeys(log, store.Count, configured ? "Scrm:Auth:ApiKeys" : ApiKeyStore.GeneratedKeyFile, keys);
                if (store.SetAsideGeneratedKey is not null)
                {
                    LogGeneratedKeySetAside(log, ApiKeyStore.GeneratedKeyFile, store.Count);
                }
            }

            return store;
        });

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var authorization = services.AddAuthorizationBuilder();
        foreach (var (policy, roles) in ScrmPolicies.Roles)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }

        return services;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} API key(s) accepted, from {Source}: {Keys}")]
    private static partial void LogKeys(ILogger logger, int count, string source, string keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The generated admin key ({File} in the data directory) is NOT accepted: Scrm:Auth:ApiKeys configures {Count} key(s), and configured keys replace it. Configure an admin key, or remove the configured keys to use the generated one again")]
    private static partial void LogGeneratedKeySetAside(ILogger logger, string file, int count);
}
