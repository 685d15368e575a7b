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
                LogKeys(log, store.Count);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} API key(s)")]
    private static partial void LogKeys(ILogger logger, int count);
}
