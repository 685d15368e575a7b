using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

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
/// untouched for Kestrel to judge.
/// </summary>
internal static class Utf8RequestTargets
{
    public const string InvalidTargetPath = "/.well-known/scrm/invalid-request-target";

    public static void Use(ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        var rewritten = new Pipe(new PipeOptions(useSynchronizationContext: false));
        connection.Transport = new Duplex(rewritten.Reader, transport.Output);
        var pump = new RequestLines(transport.Input, rewritten.Writer).RunAsync();
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel is done with the connection: stop relaying before the transport is handed back.
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
                        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n', advancePastDelimiter: true))
                        {
                            if (reader.Remaining > MaxLine)
                            {
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
            if (!target.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
            {
                WriteLine(line);
            }
            else
            {
                Write(content[..(start + 1)]);
                if (target.ContainsAnyInRange((byte)0x00, (byte)0x20) || target.Contains((byte)0x7F) || !System.Text.Unicode.Utf8.IsValid(target))
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
        }

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
