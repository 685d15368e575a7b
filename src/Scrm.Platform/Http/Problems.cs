using Microsoft.AspNetCore.Http;
using Scrm.Platform.Text;

namespace Scrm.Platform.Http;

/// <summary>The problem answers connectors share.</summary>
public static class Problems
{
    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");

    public static IResult Invalid(FieldErrors errors, string detail) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail: detail);

    /// <summary>The field errors and the detail in the request's language (Chinese unless it asks for English).</summary>
    public static IResult Invalid(FieldErrors errors, UserText detail, HttpContext http, params object?[] args) =>
        TypedResults.ValidationProblem(errors.ToDictionary(http.Language()), detail: detail.In(http, args));

    public static IResult TooLarge(long maxBytes) =>
        TypedResults.Problem($"The request body is larger than {maxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult UnsupportedMediaType(string expected) =>
        TypedResults.Problem($"The request body must be {expected}.", statusCode: StatusCodes.Status415UnsupportedMediaType);
}
