using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Scrm.Access.Http;

/// <summary>
/// A change made with a session cookie (not an API key) must carry the anti-forgery token: another
/// site cannot make the browser send it. Form posts are checked by the endpoints' own form binding;
/// JSON and other changes are checked here from the <c>X-XSRF-TOKEN</c> header. The web app's
/// circuit connection (<c>/_blazor</c>) is not a change: it carries no form or body the app acts
/// on, and the session cookie (SameSite=Strict) never travels with another site's request.
/// </summary>
internal static class CookieAntiforgery
{
    public const string BlazorHub = "/_blazor";

    public static async Task Apply(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(BlazorHub) && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && context.User.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type == IdentityConstants.ApplicationScheme
            && !request.HasFormContentType)
        {
            if (!await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status400BadRequest,
                        Title = "Anti-forgery token missing or invalid",
                        Detail = "A change made with a session cookie needs the X-XSRF-TOKEN header from GET /account/antiforgery.",
                    },
                });
                return;
            }
        }

        await next();
    }
}
