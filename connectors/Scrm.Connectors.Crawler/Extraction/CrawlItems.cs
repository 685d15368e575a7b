using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Platform.Contacts;

namespace Scrm.Connectors.Crawler.Extraction;

/// <summary>
/// Turns a crawled page into journal items: a lead per contact block with a phone or e-mail (or
/// one for the page when it has no such block), and a mention when the page names a keyword.
/// Keys hash the page URL and what was found, so an unchanged page never yields a second item.
/// </summary>
internal static class CrawlItems
{
    public const string Channel = "crawler";
    public const int MaxMentionText = 5_000;

    public static IReadOnlyList<InboundItem> From(string site, Uri url, HtmlPage page, IReadOnlyList<string> keywords, DateTimeOffset now)
    {
        var items = new List<InboundItem>();
        var pageContacts = ContactFinder.Find(page.Page);
        var blocks = page.ContactBlocks.Select(b => (Contacts: ContactFinder.Find(b), Source: "contact_block")).Where(b => b.Contacts.Any).ToList();
        if (blocks.Count == 0 && pageContacts.Any)
        {
            blocks.Add((pageContacts, "page"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (contacts, source) in blocks)
        {
            var identity = string.Join('|', contacts.Phones.Select(p => p.E164 ?? p.Raw).Concat(contacts.Emails));
            if (!seen.Add(identity))
            {
                continue;
            }

            var phone = contacts.Phones.OrderBy(p => p.E164 is null).FirstOrDefault();
            var company = contacts.Companies.Count > 0 ? contacts.Companies[0] : pageContacts.Companies.Count > 0 ? pageContacts.Companies[0] : null;
            var payload = new LeadPayload(
                null,
                phone is null ? null : new PhoneValue(phone.Raw, phone.E164),
                contacts.Emails.Count > 0 ? contacts.Emails[0] : null,
                company,
                null,
                page.Title,
                new LeadOrigin(Channel, site, null, null, null, null, null, null, url.ToString(), null),
                now,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["phones"] = string.Join("; ", contacts.Phones.Select(p => p.E164 ?? p.Raw)),
                    ["emails"] = string.Join("; ", contacts.Emails),
                    ["companies"] = string.Join("; ", contacts.Companies),
                    ["source"] = source,
                });
            items.Add(new InboundItem(InboundKind.Lead, Channel, site, $"{Channel}:{site}:lead:{Hash(url + "|" + identity)}", now,
                JsonSerializer.Serialize(payload, InboundJson.Stored.LeadPayload)));
        }

        var text = Collapse(page.Page.Text);
        var normalized = MatchText.Normalize(text);
        var matched = keywords.Where(k => k.Length > 0 && normalized.Contains(MatchText.Normalize(k), StringComparison.Ordinal)).ToList();
        if (matched.Count > 0)
        {
            var excerpt = text.Length > MaxMentionText ? text[..MaxMentionText] : text;
            var payload = new MentionPayload(Channel, url.ToString(), new Person(url.Host, page.Title), excerpt, url.ToString(), now,
                new Dictionary<string, JsonElement>(StringComparer.Ordinal)
                {
                    ["site"] = JsonElement.Parse(JsonSerializer.Serialize(site, InboundJson.Stored.String)),
                    ["keywords"] = JsonElement.Parse(JsonSerializer.Serialize(string.Join(", ", matched), InboundJson.Stored.String)),
                });
            items.Add(new InboundItem(InboundKind.Mention, Channel, site, $"{Channel}:{site}:mention:{Hash(url + "|" + excerpt)}", now,
                JsonSerializer.Serialize(payload, InboundJson.Stored.MentionPayload)));
        }

        return items;
    }

    private static string Collapse(string text) =>
        string.Join('\n', text.Split('\n').Select(l => string.Join(' ', l.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))).Where(l => l.Length > 0));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
