using System.Text.Json;
using Scrm.Ingestion.Journal;

namespace Scrm.Customers.Identity;

/// <summary>
/// The messaging channels' payloads (WeChat and WeCom messages and contact events), read by their
/// JSON property names: <c>channel</c>, <c>account</c>, <c>from</c>/<c>contact</c> = { <c>id</c>,
/// <c>unionId</c>, <c>name</c> }, <c>eventType</c>, <c>staff</c>, <c>attribution</c> = { <c>source</c>,
/// <c>key</c> }, <c>churn</c>, <c>occurredAt</c>/<c>sentAt</c>. Kept apart so the customer model
/// does not wait for the connector records; replace with the records once they are shared.
/// </summary>
internal static class ChannelPayloads
{
    public static Observation? FromMessage(JournalEntry entry)
    {
        using var doc = JsonDocument.Parse(entry.Payload);
        var root = doc.RootElement;
        var channel = String(root, "channel") ?? entry.Channel;
        var account = String(root, "account") ?? entry.Account;
        if (!root.TryGetProperty("from", out var from) || Keys(channel, account, from) is not { Count: > 0 } keys)
        {
            return null;
        }

        var type = String(root, "messageType") ?? "message";
        return new Observation
        {
            EventKey = InboundObservations.EventKey(entry.Position),
            Position = entry.Position,
            Kind = "message",
            Channel = channel,
            OccurredAt = Time(root, "sentAt") ?? entry.OccurredAt,
            Keys = keys,
            Profile = new ProfileHints { Nickname = String(from, "name") },
            Summary = InboundObservations.Headline(String(root, "text")) ?? $"[{type}]",
        };
    }

    public static Observation? FromContactEvent(JournalEntry entry, ResolutionOptions options)
    {
        using var doc = JsonDocument.Parse(entry.Payload);
        var root = doc.RootElement;
        var channel = String(root, "channel") ?? entry.Channel;
        var account = String(root, "account") ?? entry.Account;
        if (!root.TryGetProperty("contact", out var contact) || Keys(channel, account, contact) is not { Count: > 0 } keys)
        {
            return null;
        }

        var eventType = String(root, "eventType") ?? "event";
        var churn = root.TryGetProperty("churn", out var c) && c.ValueKind == JsonValueKind.True;
        string? attribution = null;
        if (root.TryGetProperty("attribution", out var a) && a.ValueKind == JsonValueKind.Object && String(a, "key") is { } stateKey)
        {
            attribution = stateKey;
            if (channel == "wecom" && stateKey.StartsWith(options.VisitorStatePrefix, StringComparison.Ordinal)
                && stateKey[options.VisitorStatePrefix.Length..] is var visitor && InboundObservations.IsToken(visitor))
            {
                keys.Add(IdentityKey.Global(IdentityTypes.WebVisitor, visitor));
            }
        }

        var consents = new List<ConsentChange>(1);
        string? rep = null;
        var sales = false;
        switch (eventType)
        {
            case "follow":
                consents.Add(new ConsentChange($"{channel}:{account}", true, eventType));
                break;
            case "unfollow":
                consents.Add(new ConsentChange($"{channel}:{account}", false, eventType));
                break;
            case "contact_added":
                consents.Add(new ConsentChange($"{channel}:{account}", true, eventType));
                rep = String(root, "staff");
                sales = true;
                break;
            case "contact_removed_staff":
                consents.Add(new ConsentChange($"{channel}:{account}", false, eventType));
                break;
        }

        return new Observation
        {
            EventKey = InboundObservations.EventKey(entry.Position),
            Position = entry.Position,
            Kind = "contact_event",
            Channel = channel,
            OccurredAt = Time(root, "occurredAt") ?? entry.OccurredAt,
            Keys = keys,
            Profile = new ProfileHints
            {
                Nickname = String(contact, "name"),
                Source = eventType is "follow" or "contact_added" ? (attribution is not null ? $"{channel}:{attribution}" : channel) : null,
            },
            Summary = rep is null ? eventType : $"{eventType} by {rep}",
            Data = attribution is null ? null : JsonSerializer.Serialize(new TimelineAttribution(attribution), CustomersJson.Default.TimelineAttribution),
            Consents = consents,
            Rep = rep,
            AutoTags = churn ? ["churn-risk"] : [],
            SalesActivity = sales,
        };
    }

    private static List<IdentityKey>? Keys(string channel, string account, JsonElement person)
    {
        if (person.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var keys = new List<IdentityKey>(2);
        var id = String(person, "id");
        if (InboundObservations.IsToken(id))
        {
            switch (channel)
            {
                case "wechat":
                    keys.Add(new IdentityKey(IdentityTypes.WeChatOpenId, account, id!));
                    break;
                case "wecom":
                    keys.Add(new IdentityKey(IdentityTypes.WeComExternalUserId, account, id!));
                    break;
                case "weibo":
                    keys.Add(IdentityKey.Global(IdentityTypes.WeiboUid, id!));
                    break;
                default:
                    keys.Add(new IdentityKey(IdentityTypes.External, channel, id!));
                    break;
            }
        }

        if (String(person, "unionId") is { } union && InboundObservations.IsToken(union))
        {
            keys.Add(IdentityKey.Global(IdentityTypes.WeChatUnionId, union));
        }

        return keys;
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;
}
