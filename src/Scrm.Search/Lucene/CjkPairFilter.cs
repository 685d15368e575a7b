using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Scrm.Search.Lucene;

/// <summary>
/// Cuts runs of adjacent CJK characters into overlapping pairs, and leaves a CJK character with no
/// CJK neighbour as a single (<see cref="CrmAnalyzer.SingleType"/>), as Lucene's CJKBigramFilter
/// and Elasticsearch's <c>cjk_bigram</c> do; other tokens pass through. Written as a streaming filter
/// because CJKBigramFilter's state capture made it most of the cost of indexing.
/// </summary>
internal sealed class CjkPairFilter : TokenFilter
{
    public const string DoubleType = "<DOUBLE>";

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly ITypeAttribute _type;
    private readonly IPositionIncrementAttribute _increment;

    // The previous character of the current run.
    private readonly char[] _prev = new char[2];
    private int _prevLength;
    private int _prevStart;
    private int _prevEnd;
    private int _runLength;

    // Characters of a multi-character CJK token (katakana, hangul) still to be taken one at a time.
    private char[] _pending = new char[16];
    private int _pendingLength;
    private int _pendingAt;
    private int _pendingStart;
    private bool _pendingAligned;

    // A non-CJK token read while a lone character still had to be written.
    private State? _held;
    private bool _exhausted;

    public CjkPairFilter(TokenStream input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
    }

    private static bool IsCjkType(string type) =>
        ReferenceEquals(type, Ideographic) || ReferenceEquals(type, Hiragana) || ReferenceEquals(type, Katakana) || ReferenceEquals(type, Hangul)
            || type is "<IDEOGRAPHIC>" or "<HIRAGANA>" or "<KATAKANA>" or "<HANGUL>";

    private static readonly string Ideographic = global::Lucene.Net.Analysis.Standard.StandardTokenizer.TOKEN_TYPES[global::Lucene.Net.Analysis.Standard.StandardTokenizer.IDEOGRAPHIC];
    private static readonly string Hiragana = global::Lucene.Net.Analysis.Standard.StandardTokenizer.TOKEN_TYPES[global::Lucene.Net.Analysis.Standard.StandardTokenizer.HIRAGANA];
    private static readonly string Katakana = global::Lucene.Net.Analysis.Standard.StandardTokenizer.TOKEN_TYPES[global::Lucene.Net.Analysis.Standard.StandardTokenizer.KATAKANA];
    private static readonly string Hangul = global::Lucene.Net.Analysis.Standard.StandardTokenizer.TOKEN_TYPES[global::Lucene.Net.Analysis.Standard.StandardTokenizer.HANGUL];

    public override bool IncrementToken()
    {
        while (true)
        {
            if (_held is not null)
            {
                RestoreState(_held);
                _held = null;
                return true;
            }

            if (_pendingAt < _pendingLength)
            {
                var width = char.IsHighSurrogate(_pending[_pendingAt]) && _pendingAt + 1 < _pendingLength ? 2 : 1;
                var start = _pendingAligned ? _pendingStart + _pendingAt : _pendingStart;
                var end = _pendingAligned ? start + width : _offset.EndOffset;
                var at = _pendingAt;
                _pendingAt += width;
                if (Take(_pending.AsSpan(at, width), start, end))
                {
                    return true;
                }

                continue;
            }

            if (_exhausted || !m_input.IncrementToken())
            {
                _exhausted = true;
                return FlushLone();
            }

            if (!IsCjkType(_type.Type))
            {
                if (_runLength == 1)
                {
                    _held = CaptureState();
                    WriteSingle();
                    _runLength = 0;
                    return true;
                }

                _runLength = 0;
                return true;
            }

            var length = _term.Length;
            var buffer = _term.Buffer;
            if (length <= 2 && (length == 1 || char.IsHighSurrogate(buffer[0])))
            {
                if (Take(buffer.AsSpan(0, length), _offset.StartOffset, _offset.EndOffset))
                {
                    return true;
                }

                continue;
            }

            // A word of several CJK characters: take them one at a time.
            if (_pending.Length < length)
            {
                _pending = new char[ArrayUtil.Oversize(length, sizeof(char))];
            }

            Array.Copy(buffer, _pending, length);
            _pendingLength = length;
            _pendingAt = 0;
            _pendingStart = _offset.StartOffset;
            _pendingAligned = _offset.EndOffset - _offset.StartOffset == length;
        }
    }

    /// <summary>Takes one CJK character; true when a token is ready in the attributes.</summary>
    private bool Take(ReadOnlySpan<char> character, int start, int end)
    {
        // The character may live in the term buffer, which writing a token overwrites.
        Span<char> c = stackalloc char[2];
        character.CopyTo(c);
        c = c[..character.Length];
        if (_runLength > 0 && start == _prevEnd)
        {
            ClearAttributes();
            var term = _term.ResizeBuffer(_prevLength + c.Length);
            _prev.AsSpan(0, _prevLength).CopyTo(term);
            c.CopyTo(term.AsSpan(_prevLength));
            _term.Length = _prevLength + c.Length;
            _offset.SetOffset(_prevStart, end);
            _type.Type = DoubleType;
            _increment.PositionIncrement = 1;
            Remember(c, start, end);
            _runLength++;
            return true;
        }

        var lone = _runLength == 1;
        if (lone)
        {
            WriteSingle();
        }

        Remember(c, start, end);
        _runLength = 1;
        return lone;
    }

    private void Remember(ReadOnlySpan<char> c, int start, int end)
    {
        c.CopyTo(_prev);
        _prevLength = c.Length;
        _prevStart = start;
        _prevEnd = end;
    }

    private void WriteSingle()
    {
        ClearAttributes();
        _term.CopyBuffer(_prev, 0, _prevLength);
        _offset.SetOffset(_prevStart, _prevEnd);
        _type.Type = CrmAnalyzer.SingleType;
        _increment.PositionIncrement = 1;
    }

    private bool FlushLone()
    {
        if (_runLength == 1)
        {
            _runLength = 0;
            WriteSingle();
            return true;
        }

        _runLength = 0;
        return false;
    }

    public override void Reset()
    {
        base.Reset();
        _prevLength = _runLength = _pendingLength = _pendingAt = 0;
        _held = null;
        _exhausted = false;
    }
}
