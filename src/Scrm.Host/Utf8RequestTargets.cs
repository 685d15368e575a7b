using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Scrm.Platform.Text;

namespace Scrm.Host;

/// <summary>
/// Lets HTTP/1.1 clients put raw UTF-8 in the request target, as curl and many clients send
/// <c>?q=收费</c>: Kestrel refuses any byte above 0x7F there with an empty 400 and offers no
/// setting to accept it, so this connection middleware percent-encodes those bytes in each
/// request line before Kestrel parses it (<c>?q=%E6%94%B6%E8%B4%B9</c>, which the app decodes as
/// UTF-8). A target that is not valid UTF-8, or holds control characters, is pointed at
/// <see cref="InvalidTargetPath"/>, which answers 400 with problem details instead of an empty body.
/// It follows HTTP/1.1 framing (Content-Length and chunked bodies) so only request lines are
/// touched; anything it does not understand (HTTP/2, upgrades, ambiguous framing) passes through
/// untouched for Kestrel to judge. Responses pass through <see cref="KestrelRejections"/>, which gives
/// the requests Kestrel refuses itself a problem details body in the language of the request.
/// </summary>
internal static class Utf8RequestTargets
{
    public const string InvalidTargetPath = "/.well-known/scrm/invalid-request-target";

    /// <summary>What <see cref="InvalidTargetPath"/> answers.</summary>
    public static readonly UserText InvalidTarget = new(
        "请求地址不是有效的 UTF-8，或含有控制字符：请按 RFC 3986 对其进行百分号编码。",
        "The request target is not valid UTF-8 or holds control characters: percent-encode it (RFC 3986).");

    public static void Use(ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        var rewritten = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var responses = new Pipe(new PipeOptions(useSynchronizationContext: false));
        connection.Transport = new Duplex(rewritten.Reader, responses.Writer);
        var lines = new RequestLines(transport.Input, rewritten.Writer);
        var pump = lines.RunAsync();
        var answers = new KestrelRejections(responses.Reader, transport.Output, () => lines.AcceptLanguage).RunAsync();
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel is done with the connection: send what it wrote, stop relaying, then hand the transport back.
            await responses.Writer.CompleteAsync();
            await answers;
            transport.Input.CancelPendingRead();
            await pump;
            await rewritten.Reader.CompleteAsync();
            connection.Transport = transport;
        }
    });

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>Copies a connection's bytes, rewriting request lines on the way.</summary>
    private sealed class RequestLines(PipeReader input, PipeWriter output)
    {
        private const int MaxLine = 16 * 1024;
        private const int MaxHeaders = 64 * 1024;

        private enum State
        {
            RequestLine,
            Headers,
            Body,
            ChunkSize,
            ChunkData,
            Trailers,
            PassThrough,
        }

        private State _state = State.RequestLine;
        private bool _first = true;
        private long _remaining;
        private long? _contentLength;
        private bool _chunked;
        private bool _opaque;
        private bool _connectionUpgrade;
        private bool _upgrade;
        private int _headerBytes;
        private bool _skipLine;

        /// <summary>The <c>Accept-Language</c> of the request being read: the language a refusal of it is answered in.</summary>
        public string? AcceptLanguage { get; private set; }

        public async Task RunAsync()
        {
            Exception? error = null;
            try
            {
                while (true)
                {
                    var read = await input.ReadAsync();
                    if (read.IsCanceled)
                    {
                        break;
                    }

                    var buffer = read.Buffer;
                    var consumed = Process(buffer);
                    if (read.IsCompleted && !consumed.Equals(buffer.End))
                    {
                        // An incomplete line at the end of the stream: hand it over as it is.
                        Write(buffer.Slice(consumed));
                        consumed = buffer.End;
                    }

                    input.AdvanceTo(consumed, buffer.End);
                    var flushed = await output.FlushAsync();
                    if (read.IsCompleted || flushed.IsCompleted || flushed.IsCanceled)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                // The connection went away (reset, aborted); Kestrel learns it from the completed pipe.
                error = ex;
            }

            await output.CompleteAsync(error);
        }

        /// <summary>Handles every complete unit in <paramref name="buffer"/>; returns how far it got.</summary>
        private SequencePosition Process(ReadOnlySequence<byte> buffer)
        {
            var reader = new SequenceReader<byte>(buffer);
            while (!reader.End)
            {
                switch (_state)
                {
                    case State.PassThrough:
                        Write(reader.UnreadSequence);
                        reader.AdvanceToEnd();
                        break;
                    case State.Body:
                    case State.ChunkData:
                        var take = Math.Min(_remaining, reader.Remaining);
                        Write(reader.UnreadSequence.Slice(0, take));
                        reader.Advance(take);
                        _remaining -= take;
                        if (_remaining == 0)
                        {
                            _state = _state == State.Body ? State.RequestLine : State.ChunkSize;
                        }

                        break;
                    default:
                        if (_skipLine)
                        {
                            // The rest of a line too long to look at is passed on as it is; reading resumes after it.
                            var found = reader.TryReadTo(out ReadOnlySequence<byte> skipped, (byte)'\n', advancePastDelimiter: true);
                            Write(found ? skipped : reader.UnreadSequence);
                            if (!found)
                            {
                                reader.AdvanceToEnd();
                                break;
                            }

                            Write("\n"u8);
                            _skipLine = false;
                            OnLongLineEnd();
                            break;
                        }

                        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n', advancePastDelimiter: true))
                        {
                            if (reader.Remaining > MaxLine)
                            {
                                if (_state is State.RequestLine or State.Headers)
                                {
                                    // Too long for Kestrel too (it refuses it): keep reading the request's headers for its language.
                                    _skipLine = true;
                                    continue;
                                }

                                _state = State.PassThrough;
                                continue;
                            }

                            return reader.Position;
                        }

                        OnLine(line);
                        break;
                }
            }

            return reader.Position;
        }

        /// <summary>One line, read without its line feed.</summary>
        private void OnLine(ReadOnlySequence<byte> sequence)
        {
            var line = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
            var content = line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
            switch (_state)
            {
                case State.RequestLine:
                    OnRequestLine(line, content);
                    return;
                case State.Headers:
                    WriteLine(line);
                    OnHeader(content);
                    return;
                case State.ChunkSize:
                    WriteLine(line);
                    var semicolon = content.IndexOf((byte)';');
                    var size = semicolon < 0 ? content : content[..semicolon];
                    if (!long.TryParse(Encoding.ASCII.GetString(size).Trim(), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var chunk) || chunk < 0)
                    {
                        _state = State.PassThrough;
                    }
                    else if (chunk == 0)
                    {
                        _state = State.Trailers;
                    }
                    else
                    {
                        _remaining = chunk + 2;
                        _state = State.ChunkData;
                    }

                    return;
                default:
                    WriteLine(line);
                    if (content.IsEmpty)
                    {
                        _state = State.RequestLine;
                    }

                    return;
            }
        }

        /// <summary>After a request line or header too long to read: Kestrel refuses the request, so only its language matters now.</summary>
        private void OnLongLineEnd()
        {
            if (_state == State.RequestLine)
            {
                AcceptLanguage = null;
                _first = false;
                _state = State.Headers;
                _opaque = true;
                _headerBytes = 0;
            }
            else
            {
                _opaque = true;
            }
        }

        private void OnRequestLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> content)
        {
            if (content.IsEmpty)
            {
                // Blank lines between requests are allowed.
                WriteLine(line);
                return;
            }

            var first = _first;
            _first = false;
            var start = content.IndexOf((byte)' ');
            var end = content.LastIndexOf((byte)' ');
            if ((first && content.StartsWith("PRI * HTTP/2.0"u8)) || start <= 0 || end <= start)
            {
                WriteLine(line);
                _state = State.PassThrough;
                return;
            }

            var target = content[(start + 1)..end];
            var escapesValid = EscapedPathIsUtf8(target);
            if (!target.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E) && escapesValid)
            {
                WriteLine(line);
            }
            else
            {
                Write(content[..(start + 1)]);
                if (!escapesValid || target.ContainsAnyInRange((byte)0x00, (byte)0x20) || target.Contains((byte)0x7F) || !System.Text.Unicode.Utf8.IsValid(target))
                {
                    Write(Encoding.ASCII.GetBytes(InvalidTargetPath));
                }
                else
                {
                    Span<byte> escape = stackalloc byte[3];
                    foreach (var b in target)
                    {
                        if (b < 0x80)
                        {
                            Write([b]);
                            continue;
                        }

                        escape[0] = (byte)'%';
                        escape[1] = (byte)"0123456789ABCDEF"[b >> 4];
                        escape[2] = (byte)"0123456789ABCDEF"[b & 0xF];
                        Write(escape);
                    }
                }

                WriteLine(line[end..]);
            }

            _state = State.Headers;
            AcceptLanguage = null;
            _contentLength = null;
            _chunked = false;
            _opaque = content.StartsWith("CONNECT "u8);
            _connectionUpgrade = false;
            _upgrade = false;
            _headerBytes = 0;
        }

        private void OnHeader(ReadOnlySpan<byte> header)
        {
            _headerBytes += header.Length;
            if (header.IsEmpty)
            {
                _state = _opaque || (_connectionUpgrade && _upgrade) ? State.PassThrough
                    : _chunked && _contentLength is null ? State.ChunkSize
                    : _chunked ? State.PassThrough
                    : _contentLength is > 0 ? State.Body
                    : State.RequestLine;
                _remaining = _contentLength ?? 0;
                return;
            }

            var colon = header.IndexOf((byte)':');
            if (colon <= 0 || _headerBytes > MaxHeaders)
            {
                _opaque |= colon <= 0;
                return;
            }

            var name = header[..colon];
            var value = Encoding.ASCII.GetString(header[(colon + 1)..]).Trim();
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                // Two lengths, or one that is not a number: Kestrel refuses it, and the stream is not followed further.
                _opaque |= _contentLength is not null || !long.TryParse(value, out var length) || length < 0;
                _contentLength = long.TryParse(value, out var parsed) ? parsed : null;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                _chunked = true;
                _opaque |= !value.EndsWith("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                _connectionUpgrade |= value.Contains("upgrade", StringComparison.OrdinalIgnoreCase);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
            {
                _upgrade = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Accept-Language"u8))
            {
                AcceptLanguage = value;
            }
        }

        /// <summary>
        /// Whether the path's percent-escapes decode to UTF-8 (<c>/%C0%AF</c> does not): Kestrel would
        /// pass such a path on undecoded, to be answered as an unknown address instead of a bad one.
        /// </summary>
        private static bool EscapedPathIsUtf8(ReadOnlySpan<byte> target)
        {
            var query = target.IndexOf((byte)'?');
            var path = query < 0 ? target : target[..query];
            if (!path.Contains((byte)'%'))
            {
                return true;
            }

            var decoded = new byte[path.Length];
            var n = 0;
            for (var i = 0; i < path.Length; i++)
            {
                if (path[i] == '%' && i + 2 < path.Length && IsHex(path[i + 1]) && IsHex(path[i + 2]))
                {
                    decoded[n++] = (byte)((Hex(path[i + 1]) << 4) | Hex(path[i + 2]));
                    i += 2;
                }
                else
                {
                    decoded[n++] = path[i];
                }
            }

            return System.Text.Unicode.Utf8.IsValid(decoded.AsSpan(0, n));
        }

        private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

        private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

        private void Write(ReadOnlySpan<byte> bytes) => output.Write(bytes);

        /// <summary>Writes a line read without its line feed, and the line feed.</summary>
        private void WriteLine(ReadOnlySpan<byte> line)
        {
            output.Write(line);
            output.Write("\n"u8);
        }

        private void Write(ReadOnlySequence<byte> bytes)
        {
            foreach (var segment in bytes)
            {
                output.Write(segment.Span);
            }
        }
    }
}
