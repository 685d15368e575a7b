using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scrm.Access.Api;
using Scrm.Access.Http;
using Scrm.Access.Keys;
using Scrm.Access.People;
using Scrm.Access.Scopes;
using Scrm.Access.SignIn;
using Scrm.Access.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;
using Scrm.Platform.Storage;

namespace Scrm.Access;

public static class AccessModule
{
    /// <summary>The scheme that picks the API key handler when the request has a key, the session cookie otherwise.</summary>
    public const string Scheme = "scrm";

    public const string OidcScheme = "oidc";

    /// <summary>
    /// People and access: users, teams, API keys, sign-in (Identity, cookie sessions, TOTP, optional
    /// OpenID Connect), data scopes, the audit log, rate limits and the role policies every module uses.
    /// Register it before the modules: it provides the team directory routing reads.
    /// </summary>
    public static IServiceCollection AddScrmAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccessOptions>().Bind(configuration.GetSection(AccessOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Reach.Keys.All(ScrmRoles.All.Contains) && o.Reach.Values.All(r => r.Keys.All(DataResources.All.Contains)),
                $"Scrm:Access:Reach names roles ({string.Join(", ", ScrmRoles.All)}) and resources ({string.Join(", ", DataResources.All)}).")
            .Validate(o => o.Oidc.IsValid, "Scrm:Access:Oidc needs an https Authority and a ClientId when it is configured.")
            .ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.ApiKeys.All(k => k.Key.Length >= AuthOptions.MinimumKeyLength),
                $"Every Scrm:Auth:ApiKeys:N:Key must be at least {AuthOptions.MinimumKeyLength} characters.")
            .Validate(o => o.ApiKeys.All(k => ScrmRoles.All.Contains(k.Role)),
                $"Every Scrm:Auth:ApiKeys:N:Role must be one of: {string.Join(", ", ScrmRoles.All)}.")
            .ValidateOnStart();
        services.AddOptions<ProtectionOptions>().Bind(configuration.GetSection(ProtectionOptions.Section))
            .Validate(o => o.UnmaskedRoles.TrueForAll(ScrmRoles.All.Contains) && o.RevealRoles.TrueForAll(ScrmRoles.All.Contains),
                "Scrm:Access:Protection lists an unknown role.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmAudit(configuration);
        services.AddScrmDbContext<AccessDbContext, SqliteAccessDbContext, PostgresAccessDbContext>(AccessDbContext.Store, ownStore: true);
        services.AddScrmAuditOutbox<AccessDbContext>();
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton<ITeamDirectory>(sp => sp.GetRequiredService<AccessDirectory>());
        services.AddSingleton<ApiKeys>();
        services.AddScoped<Seeding>();
        services.AddScoped<PeopleAdmin>();
        services.AddSingleton<Handovers>();
        services.AddHostedService<AccessRefresh>();
        services.AddSingleton(new ModuleMigration(typeof(Seeding), async (sp, ct) =>
        {
            await using var scope = sp.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Seeding>().RunAsync(ct);
        }));

        services.AddIdentityCore<AccessUser>(o =>
            {
                var access = configuration.GetSection(AccessOptions.Section).Get<AccessOptions>() ?? new AccessOptions();
                o.User.AllowedUserNameCharacters = "";
                o.Password.RequiredLength = access.PasswordMinLength;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = access.MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = access.LockoutFor;
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AccessDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // Every cookie request checks the person's security stamp: a sign-out, a password reset, a
        // role change or a deactivation refuses every session issued before it, on every replica.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        services.AddScoped<IClaimsTransformation, ScopeClaims>();

        var authentication = services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, null, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        authentication.AddIdentityCookies();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<AccessOptions>>((cookie, access) =>
        {
            cookie.Cookie.Name = "scrm.session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = access.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = access.Value.SessionLifetime;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/account/sign-in";
            cookie.Events.OnRedirectToLogin = c => Status(c, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = c => Status(c, StatusCodes.Status403Forbidden);
        });
        var oidc = configuration.GetSection(AccessOptions.Section).Get<AccessOptions>()?.Oidc;
        if (oidc?.Enabled == true)
        {
            authentication.AddOpenIdConnect(OidcScheme, oidc.DisplayName, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = "code";
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Scope.Add("email");
                o.Events.OnTicketReceived = ExternalSignIn.OnTicketReceivedAsync;
            });
        }

        services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-XSRF-TOKEN";
            o.Cookie.Name = "scrm.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>().Configure<IOptions<AccessOptions>>((o, access) =>
            o.Cookie.SecurePolicy = access.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);

        var authorization = services.AddAuthorizationBuilder();
        foreach (var (policy, roles) in ScrmPolicies.Roles)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(RateLimits.Partition);
        });
        return services;
    }

    /// <summary>Security headers, authentication, the anti-forgery check of cookie changes, per-person and per-key limits, authorization.</summary>
    public static WebApplication UseScrmAccess(this WebApplication app)
    {
        app.Use(SecurityHeaders.Apply);
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.Use(CookieAntiforgery.Apply);
        app.UseAuthorization();
        return app;
    }

    /// <summary><c>/account</c> (sign-in), <c>/api/v1/me</c> and the admin API under <c>/api/v1/access</c>.</summary>
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        SignInApi.Map(app);
        AccessApi.Map(app);
        return app;
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
