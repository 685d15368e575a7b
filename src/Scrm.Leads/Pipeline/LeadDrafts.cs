using System.Text.Json.Nodes;

namespace Scrm.Leads.Pipeline;

/// <summary>
/// Turns the journal item a workflow started on (<c>{kind, channel, account, position, payload}</c>)
/// into a lead draft. Pure. The customer key is the strongest identity the item carries (E.164
/// phone, e-mail, or the channel's author id) until the customer model resolves it.
/// </summary>
public static class LeadDrafts
{
    public static LeadDraft? From(JsonNode? item)
    {
        if (item is not JsonObject journal || journal["payload"] is not JsonObject payload)
        {
            return null;
        }

        var kind = Text(journal["kind"]);
        var position = journal["position"]?.GetValue<long>() ?? 0;
        var sourceKey = $"journal:{position}";
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
                    Campaign: Text(origin?["campaign"]),
                    UtmSource: Text(origin?["utmSource"]),
                    UtmMedium: Text(origin?["utmMedium"]),
                    UtmCampaign: Text(origin?["utmCampaign"]),
                    Attribution: Text(origin?["form"]) is { } form ? $"form:{form}" : null,
                    Province: Field(payload, "province"),
                    City: Field(payload, "city"),
                    Product: Field(payload, "product"));
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

    private static string? Field(JsonObject payload, string name) => Text((payload["fields"] as JsonObject)?[name]);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
}
