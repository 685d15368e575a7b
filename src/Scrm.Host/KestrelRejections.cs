using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Scrm.Platform.Text;

namespace Scrm.Host;

/// <summary>
/// Kestrel refuses some requests before the app sees them (a request target past its line limit:
/// 414, headers past their limit: 431, a malformed request line or header: 400) and answers those
/// with an empty body. This relays a connection's responses and, when the last one on the connection
/// is such a refusal (status 400, 414 or 431, no body, <c>Connection: close</c>: the app never answers
/// like that, every error of its own has problem details), gives it a problem details body in the
/// language of the refused request's <c>Accept-Language</c>.
/// </summary>
internal sealed class KestrelRejections(PipeReader input, PipeWriter output, Func<string?> acceptLanguage)
{
    private const int MaxHead = 1024;

    private static readonly Dictionary<int, (UserText Title, UserText Detail)> Texts = new()
    {
        [400] = (new("请求无效", "The request is not valid"),
            new("请求格式不正确：请求行、某个请求头或消息的分帧不符合 HTTP/1.1，服务器无法读取。", "The request is malformed: its request line, a header or its framing does not follow HTTP/1.1, so the server cannot read it.")),
        [414] = (new("请求地址过长", "The request target is too long"),
            new("请求地址（路径和查询字符串）过长：请缩短查询，或改用 POST 在请求体中发送条件。", "The request target (path and query string) is too long: shorten the query, or POST the conditions in a body instead.")),
        [431] = (new("请求头过大", "Request headers too large"),
            new("请求头的总大小或数量超过服务器的上限：请删除不需要的请求头或 Cookie。", "The request headers are larger or more numerous than the server accepts: drop headers or cookies that are not needed.")),
    };

    public async Task RunAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var read = await input.ReadAsync();
                var buffer = read.Buffer;
                if (read.IsCanceled)
                {
                    break;
                }

                // Kestrel writes a refusal's head in one flush, as the last bytes it sends: only a buffer
                // ending in a blank line (a bodiless response's head) can end with one.
                if (EndsWithBlankLine(buffer) && Rewrite(buffer) is { } answer)
                {
                    output.Write(answer);
                }
                else
                {
                    foreach (var segment in buffer)
                    {
                        output.Write(segment.Span);
                    }
                }

                input.AdvanceTo(buffer.End);
                var flushed = await output.FlushAsync();
                if (read.IsCompleted || flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            error = ex;
        }

        await input.CompleteAsync(error);
    }

    /// <summary>The bytes to send instead of <paramref name="buffer"/>, or null when its tail is not a refusal.</summary>
    private byte[]? Rewrite(ReadOnlySequence<byte> buffer)
    {
        var tail = buffer.Length > MaxHead ? buffer.Slice(buffer.Length - MaxHead) : buffer;
        var bytes = tail.ToArray();
        var start = LastIndexOf(bytes, "HTTP/1.1 "u8);
        if (start < 0 || Answer(bytes.AsSpan(start), acceptLanguage()) is not { } answer)
        {
            return null;
        }

        var before = buffer.Slice(0, buffer.Length - bytes.Length + start).ToArray();
        return [.. before, .. answer];
    }

    /// <summary>A refusal's head rewritten with a problem details body, or null when <paramref name="head"/> is anything else.</summary>
    public static byte[]? Answer(ReadOnlySpan<byte> head, string? acceptLanguage)
    {
        if (head.Length < 16 || !head.EndsWith("\r\n\r\n"u8)
            || !int.TryParse(head.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) || !Texts.TryGetValue(status, out var texts))
        {
            return null;
        }

        if (head[..^4].IndexOf("\r\n\r\n"u8) >= 0)
        {
            return null;
        }

        var lines = Encoding.ASCII.GetString(head[..^4]).Split("\r\n");
        if (!lines.Skip(1).Contains("Content-Length: 0", StringComparer.OrdinalIgnoreCase)
            || !lines.Skip(1).Contains("Connection: close", StringComparer.OrdinalIgnoreCase)
            || lines.Skip(1).Any(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var language = Languages.FromAcceptLanguage(acceptLanguage);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Problem(
            status switch { 414 => "https://tools.ietf.org/html/rfc9110#section-15.5.15", 431 => "https://tools.ietf.org/html/rfc6585#section-5", _ => "https://tools.ietf.org/html/rfc9110#section-15.5.1" },
            texts.Title.In(language), status, texts.Detail.In(language)), HostJson.Default.Problem);
        var text = new StringBuilder();
        text.Append(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1))
        {
            text.Append(line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) ? $"Content-Length: {body.Length}" : line).Append("\r\n");
        }

        text.Append("Content-Type: application/problem+json; charset=utf-8\r\nContent-Language: ").Append(language).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(text.ToString()), .. body];
    }

    private static bool EndsWithBlankLine(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> end = stackalloc byte[4];
        buffer.Slice(buffer.Length - 4).CopyTo(end);
        return end.SequenceEqual("\r\n\r\n"u8);
    }

    private static int LastIndexOf(byte[] bytes, ReadOnlySpan<byte> value) => bytes.AsSpan().LastIndexOf(value);
}

internal sealed record Problem(string Type, string Title, int Status, string Detail);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Problem))]
internal sealed partial class HostJson : System.Text.Json.Serialization.JsonSerializerContext;
