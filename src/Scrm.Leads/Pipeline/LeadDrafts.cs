using System.Text.Json.Nodes;
using Scrm.Platform.Contacts;

namespace Scrm.Leads.Pipeline;

/// <summary>
/// Turns the journal item a workflow started on (<c>{kind, channel, account, position, payload}</c>)
/// into a lead draft. Pure. The customer key is the strongest identity the item carries (E.164
/// phone, e-mail, or the channel's author id) until the customer model resolves it.
/// </summary>
internal static class LeadDrafts
{
    private const string JournalPrefix = "journal:";

    /// <summary>The source key of a lead made from (or attached to by) the journal item at <paramref name="position"/>.</summary>
    public static string JournalKey(long position) => JournalPrefix + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The journal position a source key names, or null for a lead that came from elsewhere.</summary>
    public static long? JournalPosition(string sourceKey) =>
        sourceKey.StartsWith(JournalPrefix, StringComparison.Ordinal)
            && long.TryParse(sourceKey.AsSpan(JournalPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position)
            ? position
            : null;

    public static LeadDraft? From(JsonNode? item)
    {
        if (item is not JsonObject journal || journal["payload"] is not JsonObject payload)
        {
            return null;
        }

        var kind = Text(journal["kind"]);
        var position = journal["position"]?.GetValue<long>() ?? 0;
        var sourceKey = JournalKey(position);
        var account = Text(journal["account"]);
        switch (kind)
        {
            case "lead":
                var origin = payload["origin"] as JsonObject;
                var phone = payload["phone"] as JsonObject;
                var e164 = Text(phone?["e164"]);
                var email = Text(payload["email"]);
                return new LeadDraft(
                    sourceKey,
                    Text(origin?["channel"]) ?? Text(journal["channel"]) ?? "web",
                    account,
                    CustomerKey: e164 is not null ? $"phone:{e164}" : email is not null ? $"email:{email}" : null,
                    Name: Text(payload["name"]),
                    Phone: e164 ?? Text(phone?["raw"]),
                    Email: email,
                    Company: Text(payload["company"]),
                    Message: Text(payload["message"]),
                    Title: Text(payload["title"]),
                    Campaign: Text(origin?["campaign"]),
                    UtmSource: Text(origin?["utmSource"]),
                    UtmMedium: Text(origin?["utmMedium"]),
                    UtmCampaign: Text(origin?["utmCampaign"]),
                    Attribution: Text(origin?["form"]) is { } form ? $"form:{form}" : null,
                    Province: Field(payload, "province"),
                    City: Field(payload, "city"),
                    Product: Field(payload, "product"),
                    RequestedOwner: Text(journal["channel"]) == Entry.LeadEntries.Channel && Field(payload, Entry.LeadEntries.KeepField) is { } keeper && keeper == account ? keeper : null);
            case "mention":
                var author = payload["author"] as JsonObject;
                var authorId = Text(author?["id"]);
                var source = Text(payload["source"]) ?? account ?? "social";
                return new LeadDraft(
                    sourceKey,
                    source,
                    account,
                    CustomerKey: authorId is null ? null : $"{source}:{authorId}",
                    Name: Text(author?["name"]),
                    Message: Text(payload["text"]),
                    Attribution: Text(payload["url"]),
                    BuyingIntent: true);
            default:
                return null;
        }
    }

    /// <summary>
    /// A lead that names neither province nor city (itself or through its customer) is placed where its
    /// mainland phone number is registered, so territory rules route it; a region given always wins.
    /// </summary>
    public static LeadDraft WithPhoneRegion(LeadDraft draft) =>
        draft.Province is null && draft.City is null && Phone.Region(draft.Phone) is { } region
            ? draft with { Province = region.Province, City = region.City }
            : draft;

    private static string? Field(JsonObject payload, string name) => Text((payload["fields"] as JsonObject)?[name]);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
}
