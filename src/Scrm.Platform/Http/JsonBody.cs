using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Scrm.Platform.Text;

namespace Scrm.Platform.Http;

/// <summary>Reads a JSON request body with the limits every connector applies.</summary>
public static class JsonBody
{
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// The parsed body, or the problem to answer in the caller's language: 415 for another media type,
    /// 413 past <paramref name="maxBytes"/>, 400 for invalid UTF-8, malformed or too deeply nested JSON.
    /// </summary>
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.UnsupportedMediaType("application/json", request.HttpContext));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.TooLarge(maxBytes, request.HttpContext));
        }

        try
        {
            return (await JsonDocument.ParseAsync(request.Body, Options, cancellationToken), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest(JsonTexts.NotJson, request.HttpContext, JsonTexts.Reason(ex)));
        }
    }
}
