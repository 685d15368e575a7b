using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scrm.Platform.Security;

/// <summary>Authenticates <c>X-Api-Key</c>. The key itself is never logged.</summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
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

        var found = values.Count == 1 ? store.Find(values[0]) : null;
        if (found is not { } key)
        {
            if (values.Count == 1 && store.IsSetAsideGeneratedKey(values[0]))
            {
                LogSetAside(_log, Request.Path);
            }
            else
            {
                LogRejected(_log, Request.Path);
            }

            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected the generated admin key on {Path}: configured keys (Scrm:Auth:ApiKeys) replace it")]
    private static partial void LogSetAside(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an unknown API key on {Path}")]
    private static partial void LogRejected(ILogger logger, string path);
}
