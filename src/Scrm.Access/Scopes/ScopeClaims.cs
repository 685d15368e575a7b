using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Scrm.Access.People;
using Scrm.Platform.Security;

namespace Scrm.Access.Scopes;

/// <summary>
/// Gives a signed-in person's principal their data scope per resource, from the directory as it is
/// now (not as it was at sign-in): a team change applies to the next request. API keys carry their
/// scope from the key handler already.
/// </summary>
internal sealed class ScopeClaims(AccessDirectory directory) : IClaimsTransformation
{
    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity || principal.HasClaim(c => c.Type == ScrmClaims.Scope))
        {
            return Task.FromResult(principal);
        }

        var id = principal.FindFirst(ScrmClaims.UserId)?.Value ?? identity.Name;
        if (id is null)
        {
            return Task.FromResult(principal);
        }

        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        var copy = principal.Clone();
        var target = (ClaimsIdentity)copy.Identity!;
        if (!copy.HasClaim(c => c.Type == ScrmClaims.UserId))
        {
            target.AddClaim(new Claim(ScrmClaims.UserId, id));
        }

        target.AddClaims(directory.Current.ScopeClaims(id, roles));
        return Task.FromResult(copy);
    }
}
