using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>
/// Requests Kestrel itself refuses, before the app sees them, sent as raw bytes over a real socket
/// (an HTTP client would not send them, and the in-memory test server has no Kestrel): each is
/// answered with problem details, in Chinese unless the request prefers English.
/// </summary>
public sealed class KestrelRejectionTests(KestrelRejectionTests.App app) : IClassFixture<KestrelRejectionTests.App>
{
    public sealed class App() : ScrmApp(settings: new Dictionary<string, string?> { ["Scrm:Scheduling:Store"] = "Memory" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Request heads Kestrel refuses, by what is wrong with them; <c>{lang}</c> is where the Accept-Language header goes.</summary>
    private static readonly Dictionary<string, (int Status, string Chinese, string English, Func<string, byte[]> Request)> Cases = new()
    {
        ["request target past the line limit"] = (414, "请求地址过长", "The request target is too long",
            lang => Ascii($"GET /api/v1/search?q={new string('a', 9_000)} HTTP/1.1\r\nHost: localhost\r\n{lang}\r\n")),
        ["headers past their total limit"] = (431, "请求头过大", "Request headers too large",
            lang => Ascii($"GET /health/live HTTP/1.1\r\nHost: localhost\r\n{lang}X-Padding: {new string('b', 40_000)}\r\n\r\n")),
        ["too many headers"] = (431, "请求头过大", "Request headers too large",
            lang => Ascii($"GET /health/live HTTP/1.1\r\nHost: localhost\r\n{lang}{string.Concat(Enumerable.Range(0, 120).Select(i => $"X-H{i}: v\r\n"))}\r\n")),
        ["a method that is not a token"] = (400, "请求无效", "The request is not valid",
            lang => Ascii($"GE(T /health/live HTTP/1.1\r\nHost: localhost\r\n{lang}\r\n")),
        ["a header without a colon"] = (400, "请求无效", "The request is not valid",
            lang => Ascii($"GET /health/live HTTP/1.1\r\nHost: localhost\r\n{lang}this is not a header\r\n\r\n")),
        ["a header name with a space"] = (400, "请求无效", "The request is not valid",
            lang => Ascii($"GET /health/live HTTP/1.1\r\nHost: localhost\r\n{lang}Bad Name: x\r\n\r\n")),
        ["raw bytes that are not UTF-8 in the path"] = (400, "请求无效", "The request is not valid",
            lang => [.. Ascii("GET /health/"), 0xC0, 0xAF, 0xFF, .. Ascii($" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{lang}\r\n")]),
        ["percent-escapes that are not UTF-8 in the path"] = (400, "请求无效", "The request is not valid",
            lang => Ascii($"GET /health/%C0%AF%ED%A0%80 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{lang}\r\n")),
        ["a NUL escaped in the path"] = (400, "请求无效", "The request is not valid",
            lang => Ascii($"GET /health/a%00b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{lang}\r\n")),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_request_kestrel_refuses_is_answered_with_problem_details_in_chinese_by_default(string name)
    {
        var (status, chinese, _, request) = Cases[name];
        var (code, headers, body) = await SendAsync(request(""));

        code.ShouldBe(status, body);
        headers.ShouldContain(h => h.StartsWith("content-type: application/problem+json", StringComparison.OrdinalIgnoreCase), string.Join("\n", headers));
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.GetProperty("title").GetString().ShouldBe(chinese);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_request_kestrel_refuses_is_answered_in_english_when_the_request_prefers_it(string name)
    {
        var (status, _, english, request) = Cases[name];
        var (code, _, body) = await SendAsync(request("Accept-Language: en-US,en;q=0.9\r\n"));

        code.ShouldBe(status, body);
        JsonDocument.Parse(body).RootElement.GetProperty("title").GetString().ShouldBe(english, body);
    }

    [Fact]
    public async Task Requests_kestrel_accepts_on_the_same_connection_are_answered_unchanged_before_a_refused_one()
    {
        var (code, headers, body) = await SendAsync([
            .. Ascii("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            .. Ascii("HEAD /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            .. Ascii("GET /health/live HTTP/1.1\r\nHost: localhost\r\nbroken\r\n\r\n")], responses: 3);

        code.ShouldBe(400, body);
        headers.ShouldContain(h => h.StartsWith("content-type: application/problem+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Sends raw bytes, reads until the server closes the connection, and returns the last response on it.</summary>
    private async Task<(int Status, List<string> Headers, string Body)> SendAsync(byte[] request, int responses = 1)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request, Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        var bytes = received.ToArray();
        var text = Encoding.Latin1.GetString(bytes);

        // The last response on the connection (the bodies here never hold a status line).
        var at = text.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, text);
        text.Split("HTTP/1.1 ").Length.ShouldBe(responses + 1, text);
        var head = text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
        head.ShouldBeGreaterThan(0, text);
        var lines = text[at..head].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.ToLowerInvariant()).ToList();
        var body = new MemoryStream();
        var i = head + 4;
        if (headers.Contains("transfer-encoding: chunked"))
        {
            // The app's own answers are chunked: join the chunks.
            while (true)
            {
                var eol = text.IndexOf("\r\n", i, StringComparison.Ordinal);
                var size = Convert.ToInt32(text[i..eol], 16);
                if (size == 0)
                {
                    break;
                }

                body.Write(bytes, eol + 2, size);
                i = eol + 2 + size + 2;
            }
        }
        else
        {
            body.Write(bytes, i, bytes.Length - i);
        }

        return (int.Parse(lines[0].Split(' ')[1]), headers, Encoding.UTF8.GetString(body.ToArray()));
    }
}
