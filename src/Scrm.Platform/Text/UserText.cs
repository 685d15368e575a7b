using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Scrm.Platform.Text;

/// <summary>
/// The languages people read the product in: Chinese (zh-CN) first, English second. The host runs
/// with invariant globalization (no ICU cultures), so texts are kept as pairs in code, chosen by
/// the request's <c>Accept-Language</c>; nothing depends on the machine's culture.
/// </summary>
public static class Languages
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    /// <summary>The first language of <c>Accept-Language</c> the product speaks (by quality); Chinese when none is.</summary>
    public static string FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || !StringWithQualityHeaderValue.TryParseList(header.Split(','), out var ranges))
        {
            return Chinese;
        }

        foreach (var range in ranges.Where(r => r.Quality is not 0).OrderByDescending(r => r.Quality ?? 1))
        {
            var tag = range.Value.Value ?? "";
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            {
                return Chinese;
            }

            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return English;
            }
        }

        return Chinese;
    }

    /// <summary>The language this request is answered in.</summary>
    public static string Language(this HttpContext context) => FromAcceptLanguage(context.Request.Headers.AcceptLanguage.ToString());
}

/// <summary>
/// One user-facing text in both languages; <c>{0}</c>-style holes are filled the same way in each, and a
/// hole filled with another <see cref="UserText"/> (a reason inside a sentence) takes the same language.
/// </summary>
public sealed record UserText(string Chinese, string English)
{
    public string In(string language, params object?[] args)
    {
        if (Array.Exists(args, a => a is UserText))
        {
            args = Array.ConvertAll(args, a => a is UserText inner ? inner.In(language) : a);
        }

        return string.Format(CultureInfo.InvariantCulture, language == Languages.English ? English : Chinese, args);
    }

    public string In(HttpContext context, params object?[] args) => In(context.Language(), args);

    /// <summary>Finished texts without holes: braces in them are kept as written.</summary>
    public static UserText Plain(string chinese, string english) => new(Escape(chinese), Escape(english));

    /// <summary>This text with its holes filled in both languages, for a caller that picks the language later.</summary>
    public UserText Filled(params object?[] args) => Plain(In(Languages.Chinese, args), In(Languages.English, args));

    private static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
