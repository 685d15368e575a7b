using System.Numerics;

namespace Scrm.Campaigns.Segments.Index;

/// <summary>A set of index rows as a bitset: one bit per customer row, 64 to a word.</summary>
internal sealed class Bits
{
    private ulong[] _words;

    public Bits(int capacity) => _words = new ulong[Words(capacity)];

    private Bits(ulong[] words) => _words = words;

    public int Capacity => _words.Length * 64;

    public static int Words(int rows) => (rows + 63) >> 6;

    public bool this[int row] => row >> 6 < _words.Length && (_words[row >> 6] & (1UL << row)) != 0;

    public void Set(int row, bool on)
    {
        Grow(row + 1);
        if (on)
        {
            _words[row >> 6] |= 1UL << row;
        }
        else
        {
            _words[row >> 6] &= ~(1UL << row);
        }
    }

    public void Grow(int rows)
    {
        if (Words(rows) > _words.Length)
        {
            Array.Resize(ref _words, Math.Max(Words(rows), _words.Length * 2));
        }
    }

    /// <summary>The rows whose value in <paramref name="column"/> lies in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static Bits Range(long[] column, int rows, long low, long high)
    {
        var words = new ulong[Words(rows)];
        for (var w = 0; w < words.Length; w++)
        {
            var start = w << 6;
            var end = Math.Min(start + 64, rows);
            ulong word = 0;
            for (var row = start; row < end; row++)
            {
                var v = column[row];
                word |= (v >= low && v <= high ? 1UL : 0UL) << (row - start);
            }

            words[w] = word;
        }

        return new Bits(words);
    }

    public Bits Copy(int rows)
    {
        var words = new ulong[Words(rows)];
        Array.Copy(_words, words, Math.Min(words.Length, _words.Length));
        return new Bits(words);
    }

    /// <summary>This ∧= other (rows past the other's end are cleared).</summary>
    public Bits And(Bits other)
    {
        var n = Math.Min(_words.Length, other._words.Length);
        for (var i = 0; i < n; i++)
        {
            _words[i] &= other._words[i];
        }

        Array.Clear(_words, n, _words.Length - n);
        return this;
    }

    public Bits Or(Bits other)
    {
        var n = Math.Min(_words.Length, other._words.Length);
        for (var i = 0; i < n; i++)
        {
            _words[i] |= other._words[i];
        }

        return this;
    }

    /// <summary>This ∧= ¬other.</summary>
    public Bits AndNot(Bits other)
    {
        var n = Math.Min(_words.Length, other._words.Length);
        for (var i = 0; i < n; i++)
        {
            _words[i] &= ~other._words[i];
        }

        return this;
    }

    public int Count()
    {
        var count = 0;
        foreach (var word in _words)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    /// <summary>The set rows from <paramref name="from"/> on, in row order.</summary>
    public IEnumerable<int> From(int from)
    {
        for (var w = Math.Max(0, from) >> 6; w < _words.Length; w++)
        {
            var word = _words[w];
            if (w == from >> 6 && from > 0)
            {
                word &= ~0UL << (from & 63);
            }

            while (word != 0)
            {
                var bit = BitOperations.TrailingZeroCount(word);
                yield return (w << 6) + bit;
                word &= word - 1;
            }
        }
    }
}
