using Microsoft.AspNetCore.Http;
using Scrm.Platform.Text;

namespace Scrm.Platform.Http;

/// <summary>The problem answers connectors share, in the caller's language (Chinese unless it asks for English).</summary>
public static class Problems
{
    private static class Texts
    {
        public static readonly UserText TooLarge = new("请求体超过 {0:N0} 字节。", "The request body is larger than {0:N0} bytes.");
        public static readonly UserText MediaType = new("请求体必须是 {0}。", "The request body must be {0}.");
    }

    public static IResult BadRequest(UserText detail, HttpContext http, params object?[] args) =>
        TypedResults.Problem(detail.In(http, args), statusCode: StatusCodes.Status400BadRequest);

    public static IResult Invalid(FieldErrors errors, string detail) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail: detail);

    /// <summary>The field errors and the detail in the request's language (Chinese unless it asks for English).</summary>
    public static IResult Invalid(FieldErrors errors, UserText detail, HttpContext http, params object?[] args) =>
        TypedResults.ValidationProblem(errors.ToDictionary(http.Language()), detail: detail.In(http, args));

    public static IResult TooLarge(long maxBytes, HttpContext http) =>
        TypedResults.Problem(Texts.TooLarge.In(http, maxBytes), statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult UnsupportedMediaType(string expected, HttpContext http) =>
        TypedResults.Problem(Texts.MediaType.In(http, expected), statusCode: StatusCodes.Status415UnsupportedMediaType);
}
