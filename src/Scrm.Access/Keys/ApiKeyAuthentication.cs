using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Access.People;
using Scrm.Platform.Security;

namespace Scrm.Access.Keys;

/// <summary>
/// Authenticates <c>X-Api-Key</c> against the directory's digests: the key acts for its owner with
/// its own roles, and carries the owner's scope. The key itself is never logged or stored.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccessDirectory directory,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    private readonly ILogger _log = loggerFactory.CreateLogger<ApiKeyAuthenticationHandler>();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var snapshot = directory.Current;
        var digest = values.Count == 1 ? Digest(values[0]) : null;
        if (digest is null || !snapshot.Keys.TryGetValue(digest, out var key)
            || !snapshot.People.TryGetValue(key.Owner, out var owner) || !owner.Active)
        {
            if (digest is not null && snapshot.SetAsideKeys.Contains(digest))
            {
                LogSetAside(_log, Request.Path);
            }
            else
            {
                LogRejected(_log, Request.Path);
            }

            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        key.Touch(time.GetUtcNow().ToUnixTimeMilliseconds());
        var claims = new List<Claim>(4 + key.Roles.Count + DataResources.All.Count)
        {
            new(ClaimTypes.Name, key.Owner),
            new(ScrmClaims.UserId, key.Owner),
            new(ScrmClaims.KeyId, key.Id),
        };
        foreach (var role in key.Roles)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        claims.AddRange(snapshot.ScopeClaims(key.Owner, key.Roles as IReadOnlyCollection<string> ?? [.. key.Roles]));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>The hex SHA-256 of a presented key, or null for an empty or absurdly long one.</summary>
    internal static string? Digest(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 512)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var count = Encoding.UTF8.GetBytes(presented, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..count], hash);
        return Convert.ToHexStringLower(hash);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected the generated admin key on {Path}: configured keys (Scrm:Auth:ApiKeys) replace it")]
    private static partial void LogSetAside(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an unknown or revoked API key on {Path}")]
    private static partial void LogRejected(ILogger logger, string path);
}
