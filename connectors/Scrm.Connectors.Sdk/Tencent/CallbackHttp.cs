using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>The HTTP side of a Tencent callback endpoint: query, bounded body, answers.</summary>
public static class CallbackHttp
{
    /// <summary>The most bytes a callback body may have (the XML cap; UTF-8 never has fewer bytes than characters).</summary>
    public const int MaxBodyBytes = CallbackXml.MaxChars;

    /// <summary>The platform waits 5 s before retrying; answering later than this is as good as not answering.</summary>
    public static readonly TimeSpan AcknowledgeBudget = TimeSpan.FromMilliseconds(4_500);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static CallbackQuery Query(HttpRequest request)
    {
        var q = request.Query;
        return new CallbackQuery(
            Single(q["signature"]), Single(q["msg_signature"]), Single(q["timestamp"]), Single(q["nonce"]), Single(q["echostr"]), Single(q["encrypt_type"]));
    }

    /// <summary>The body as text, refusing more than <see cref="MaxBodyBytes"/> and invalid UTF-8 before any parsing.</summary>
    public static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new CallbackRejectedException(CallbackFailure.Oversized, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBodyBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBodyBytes)
                {
                    throw new CallbackRejectedException(CallbackFailure.Oversized, $"The body is larger than {MaxBodyBytes} bytes.");
                }
            }

            try
            {
                return StrictUtf8.GetString(buffer, 0, length);
            }
            catch (DecoderFallbackException)
            {
                throw new CallbackRejectedException(CallbackFailure.MalformedXml, "The body is not UTF-8 text.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>What the platform expects once a callback is safely stored (or deliberately ignored).</summary>
    public static IResult Success() => TypedResults.Text("success", "text/plain", Encoding.UTF8);

    /// <summary>A URL check's answer: the echo, as plain text.</summary>
    public static IResult Echo(string echo) => TypedResults.Text(echo, "text/plain", Encoding.UTF8);

    /// <summary>A refusal as problem details, with its category under <c>category</c>.</summary>
    public static IResult Problem(CallbackRejectedException refusal) => TypedResults.Problem(
        refusal.Message,
        statusCode: refusal.Failure.ToStatusCode(),
        title: "The callback was refused.",
        extensions: new Dictionary<string, object?> { ["category"] = refusal.Failure.ToWire() });

    public static IResult UnknownAccount() =>
        TypedResults.Problem("No account is configured under this name.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The journal did not commit within the platform's budget; nothing is acknowledged and the platform retries.</summary>
    public static IResult NotInTime() => TypedResults.Problem(
        "The callback could not be stored in time; the platform will send it again.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;
}
