using System.Text;
using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;

namespace Scrm.Search.Indexing;

/// <summary>What each kind of journal item looks like in the index. The id is the item's idempotency key, so replays overwrite.</summary>
internal static class JournalDocuments
{
    /// <summary>The document for <paramref name="entry"/>, or null for kinds that are not searched.</summary>
    public static SearchDocument? Map(JournalEntry entry) => entry.Kind switch
    {
        InboundKind.Mention => Mention(entry, JsonSerializer.Deserialize(entry.Payload, InboundJson.Default.MentionPayload)!),
        InboundKind.Lead => Lead(entry, JsonSerializer.Deserialize(entry.Payload, InboundJson.Default.LeadPayload)!),
        _ => null,
    };

    private static SearchDocument Mention(JournalEntry entry, MentionPayload m) => new(
        entry.IdempotencyKey,
        DocumentTypes.Mention,
        entry.Channel,
        entry.Account,
        m.Author?.Id,
        m.Author?.Name,
        null,
        m.Text,
        m.CreatedAt,
        null,
        [])
    {
        JournalPosition = entry.Position,
    };

    private static SearchDocument Lead(JournalEntry entry, LeadPayload lead)
    {
        var title = string.Join(" · ", new[] { lead.Name, lead.Company }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var text = new StringBuilder();
        foreach (var part in new[] { lead.Message, lead.Title })
        {
            Append(text, part);
        }

        foreach (var (_, value) in lead.Fields ?? new Dictionary<string, string>())
        {
            Append(text, value);
        }

        var tags = new[] { lead.Origin.Campaign, lead.Origin.UtmCampaign }
            .Where(t => !string.IsNullOrWhiteSpace(t) && t.Length <= DocumentRules.MaxKeywordLength)
            .Select(t => $"campaign:{t}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        // The person's phone and e-mail are protected: never the author id or the text, only the contacts.
        return new SearchDocument(
            entry.IdempotencyKey,
            DocumentTypes.Lead,
            entry.Channel,
            entry.Account,
            null,
            lead.Name,
            title.Length == 0 ? null : title,
            text.ToString(),
            lead.SubmittedAt,
            null,
            tags)
        {
            Contacts = new[] { lead.Phone?.E164 ?? lead.Phone?.Raw, lead.Email }.OfType<string>().ToList(),
        };
    }

    private static void Append(StringBuilder text, string? part)
    {
        if (!string.IsNullOrWhiteSpace(part))
        {
            text.Append(text.Length == 0 ? "" : " · ").Append(part);
        }
    }
}
