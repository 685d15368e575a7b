using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Scrm.Platform.Security;
using Scrm.Web.Components;
using Scrm.Web.Search;
using Scrm.Web.Shell;

namespace Scrm.Web;

/// <summary>
/// The browser app: a Blazor Web App rendered on the server (interactive over one connection per
/// tab), served by the host at <c>/</c> beside the API. Pages call the modules' services with the
/// signed-in person's <see cref="Caller"/>: the same scopes and masking as the HTTP API.
/// </summary>
public static class WebModule
{
    public static IServiceCollection AddScrmWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddScoped<WebSearch>();
        return services;
    }

    /// <summary>The app's pages, its static files and the language switch.</summary>
    public static WebApplication MapScrmWeb(this WebApplication app)
    {
        // Files (not endpoints): the app's, MudBlazor's and Blazor's script, from wwwroot when published,
        // from their build locations otherwise (the host calls UseStaticWebAssets).
        app.UseStaticFiles();
        app.MapGet(UiLanguage.SwitchPath + "/{language}", UiLanguage.Switch).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().AllowAnonymous();
        return app;
    }
}
