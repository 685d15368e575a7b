using System.ComponentModel.DataAnnotations;
using Scrm.Platform.Security;

namespace Scrm.Access;

/// <summary><c>Scrm:Access</c>: reach per role, sessions, passwords and lockout, rate limits, an optional OpenID Connect provider.</summary>
internal sealed class AccessOptions
{
    public const string Section = "Scrm:Access";

    /// <summary>
    /// Role → resource → <c>Own</c>, <c>Team</c> or <c>All</c>: the seed of each role's reach (the
    /// admin API changes it afterwards). A role that does not name a resource reaches its own records.
    /// </summary>
    public Dictionary<string, Dictionary<string, Reach>> Reach { get; set; } = new(StringComparer.Ordinal)
    {
        [ScrmRoles.Admin] = AllOf(Platform.Security.Reach.All),
        [ScrmRoles.Marketer] = AllOf(Platform.Security.Reach.All),
        // Community managers answer any customer and find leads in search (masked; the lead workbench stays sales').
        [ScrmRoles.Community] = new(StringComparer.Ordinal)
        {
            [DataResources.Customers] = Platform.Security.Reach.All,
            [DataResources.Leads] = Platform.Security.Reach.All,
            [DataResources.Conversations] = Platform.Security.Reach.Team,
        },
        [ScrmRoles.Sales] = new(StringComparer.Ordinal),
        [ScrmRoles.Ingest] = new(StringComparer.Ordinal),
    };

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Session and anti-forgery cookies only travel over HTTPS (browsers treat http://localhost as secure).</summary>
    public bool SecureCookies { get; set; } = true;

    [Range(8, 128)]
    public int PasswordMinLength { get; set; } = 10;

    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Requests per minute a signed-in person may make.</summary>
    [Range(1, 1_000_000)]
    public int PerUserPerMinute { get; set; } = 1_200;

    /// <summary>Requests per second one API key may make (integrations deliver in bursts).</summary>
    [Range(1, 10_000_000)]
    public int PerKeyPerSecond { get; set; } = 50_000;

    /// <summary>How often a replica re-reads people, teams and keys changed on another replica.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the keys' last-used times are written (kept in memory between).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after a deactivation the last handover pass runs: by then every replica has re-read
    /// the directory, so nothing new reaches the person, and what did meanwhile is moved too.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan HandoverSettle { get; set; } = TimeSpan.FromMinutes(1);

    public OidcOptions Oidc { get; set; } = new();

    internal static Dictionary<string, Reach> AllOf(Reach reach) =>
        DataResources.All.ToDictionary(r => r, _ => reach, StringComparer.Ordinal);
}

/// <summary><c>Scrm:Access:Oidc</c>: a company's own identity provider. Off until <see cref="Authority"/> is set.</summary>
internal sealed class OidcOptions
{
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Shown on the sign-in page.</summary>
    public string DisplayName { get; set; } = "企业账号登录";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    internal bool IsValid => !Enabled
        || Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrWhiteSpace(ClientId);
}
