using Scrm.Ingestion.Journal;
using Scrm.Search.Indexing;

namespace Scrm.Search.Lucene;

/// <summary>
/// The texts the embedded index indexes without storing: a mention's text is kept by the journal, so
/// the index keeps only its terms, and a hit reads the text back from the journal, prepared as it was
/// when indexed (contacts masked, control characters as spaces), so excerpts and highlights are the same.
/// Not used while journal retention clears payloads: a cleared text could no longer be shown.
/// </summary>
internal sealed class JournalTexts(JournalReader journal)
{
    /// <summary>The prepared text of each journal item that is still there, by position.</summary>
    public async Task<IReadOnlyDictionary<long, string>> ReadAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<long, string>(positions.Count);
        foreach (var entry in await journal.ReadPositionsAsync(positions, cancellationToken))
        {
            if (JournalDocuments.Map(entry) is { } document && DocumentRules.Prepare(document).Document is { } prepared)
            {
                texts[entry.Position] = prepared.Text;
            }
        }

        return texts;
    }
}
