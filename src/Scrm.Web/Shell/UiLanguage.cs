using Microsoft.AspNetCore.Http;
using Scrm.Platform.Text;

namespace Scrm.Web.Shell;

/// <summary>The app's language: the <c>scrm.lang</c> cookie the switch sets, else the browser's <c>Accept-Language</c>, Chinese by default.</summary>
internal static class UiLanguage
{
    public const string Cookie = "scrm.lang";
    public const string SwitchPath = "/ui/language";

    public static string Of(HttpContext http) =>
        http.Request.Cookies[Cookie] switch
        {
            Languages.English => Languages.English,
            Languages.Chinese => Languages.Chinese,
            _ => http.Language(),
        };

    /// <summary>Sets the language for a year and goes back to a local page.</summary>
    public static IResult Switch(string language, string? returnUrl, HttpContext http)
    {
        var chosen = language == Languages.English ? Languages.English : Languages.Chinese;
        http.Response.Cookies.Append(Cookie, chosen, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            IsEssential = true,
        });
        return TypedResults.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } u && u[0] == '/' && (u.Length == 1 || (u[1] != '/' && u[1] != '\\'));
}
