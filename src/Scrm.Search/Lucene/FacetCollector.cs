using System.Runtime.InteropServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Scrm.Search.Lucene;

/// <summary>
/// Counts every hit by channel, type and day from doc values, beside the collector that keeps the
/// top hits. Ordinal counts per segment are turned into labels when the segment ends.
/// </summary>
internal sealed class FacetCollector(long dayOffsetMs) : ICollector
{
    private const long DayMs = 86_400_000;

    private readonly Dictionary<string, long> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _days = [];
    private SortedDocValues? _channel;
    private SortedDocValues? _type;
    private NumericDocValues? _created;
    private int[] _channelCounts = [];
    private int[] _typeCounts = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        var reader = context.AtomicReader;
        _channel = reader.GetSortedDocValues(LuceneFields.Channel);
        _type = reader.GetSortedDocValues(LuceneFields.Type);
        _created = reader.GetNumericDocValues(LuceneFields.Created);
        _channelCounts = _channel is null ? [] : new int[_channel.ValueCount];
        _typeCounts = _type is null ? [] : new int[_type.ValueCount];
    }

    public void Collect(int doc)
    {
        if (_channel is not null && _channel.GetOrd(doc) is var c and >= 0)
        {
            _channelCounts[c]++;
        }

        if (_type is not null && _type.GetOrd(doc) is var t and >= 0)
        {
            _typeCounts[t]++;
        }

        if (_created is not null)
        {
            var day = Math.DivRem(_created.Get(doc) + dayOffsetMs, DayMs, out var rem) - (rem < 0 ? 1 : 0);
            CollectionsMarshal.GetValueRefOrAddDefault(_days, day, out _)++;
        }
    }

    public SearchFacets Result()
    {
        Flush();
        return new SearchFacets(
            Ranked(_channels),
            Ranked(_types),
            _days.OrderBy(d => d.Key)
                .Select(d => new FacetCount(DateOnly.FromDayNumber(checked((int)(d.Key + DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber))).ToString("yyyy-MM-dd"), d.Value))
                .ToList());
    }

    private static List<FacetCount> Ranked(Dictionary<string, long> counts) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => new FacetCount(c.Key, c.Value)).ToList();

    private void Flush()
    {
        Drain(_channel, _channelCounts, _channels);
        Drain(_type, _typeCounts, _types);
        _channelCounts = [];
        _typeCounts = [];
    }

    private static void Drain(SortedDocValues? values, int[] counts, Dictionary<string, long> into)
    {
        if (values is null)
        {
            return;
        }

        var bytes = new BytesRef();
        for (var ord = 0; ord < counts.Length; ord++)
        {
            if (counts[ord] > 0)
            {
                values.LookupOrd(ord, bytes);
                CollectionsMarshal.GetValueRefOrAddDefault(into, bytes.Utf8ToString(), out _) += counts[ord];
            }
        }
    }
}
