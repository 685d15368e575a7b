using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Access.Storage;
using Scrm.Platform.Audit;

namespace Scrm.Access.SignIn;

/// <summary>
/// A person coming back from the company's identity provider is signed in as the active local user
/// with the same e-mail address (roles, team and scope stay Scrm's); anyone else is refused.
/// </summary>
internal static class ExternalSignIn
{
    public static async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserManager<AccessUser>>();
        var audit = services.GetRequiredService<IAuditTrail>();
        var email = context.Principal?.FindFirst(ClaimTypes.Email)?.Value ?? context.Principal?.FindFirst("email")?.Value;
        var normalized = email is null ? null : users.NormalizeEmail(email);
        var user = normalized is null ? null
            : await users.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized && u.Active && u.Kind == UserKinds.Person, context.HttpContext.RequestAborted);
        context.HandleResponse();
        if (user is null)
        {
            await audit.RecordAsync(new AuditEvent(email ?? "unknown", "sign-in.failed", "user", null, Json.Object(("reason", "no local user for the provider's account"))), context.HttpContext.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        await services.GetRequiredService<SignInManager<AccessUser>>().SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "external")]);
        await audit.RecordAsync(new AuditEvent(user.Id, "sign-in", "user", user.Id, Json.Object(("via", "oidc"))), context.HttpContext.RequestAborted);
        context.Response.Redirect(context.ReturnUri is { Length: > 0 } r && r.StartsWith('/') ? r : "/");
    }
}
