using System.Text.Json;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;

namespace Scrm.Connectors.WeChat.Callbacks;

/// <summary>
/// Turns an Official Account callback into a journal item: messages (text, image, voice, video,
/// location, link) and the events a CRM acts on (follow and unfollow, QR scans with their scene
/// key as attribution, menu use, location reports). Other events are acknowledged and dropped.
/// </summary>
internal static class WeChatMessages
{
    public const string QrScenePrefix = "qrscene_";

    /// <summary>
    /// What makes the platform's retries land once: MsgId for messages, FromUserName|CreateTime
    /// for events (which have no id).
    /// </summary>
    public static string DedupeKey(CallbackXml xml) =>
        xml["MsgId"] is { Length: > 0 } msgId ? msgId : $"{xml.Required("FromUserName")}|{xml.Required("CreateTime")}";

    /// <summary>The item to store, or null for an event the product does not act on.</summary>
    public static InboundItem? Map(string account, CallbackXml xml)
    {
        var from = xml.Required("FromUserName");
        var at = TencentMessages.CreateTime(xml);
        var key = $"{WeChatChannel.Name}:{account}:{DedupeKey(xml)}";
        var msgType = xml.Required("MsgType");
        if (msgType == "event")
        {
            return MapEvent(account, xml, from, at, key);
        }

        return TencentMessages.ToItem(WeChatChannel.Name, account, xml);
    }

    private static InboundItem? MapEvent(string account, CallbackXml xml, string from, DateTimeOffset at, string key)
    {
        var name = xml.Required("Event");
        var eventKey = xml["EventKey"];
        var payload = new ContactEventPayload(
            WeChatChannel.Name, account, new ChannelContact(from, null, null), "", null, null, false, null, null, at, null);
        payload = name switch
        {
            "subscribe" => payload with
            {
                EventType = ContactEventTypes.Follow,
                Attribution = eventKey is { } k && k.StartsWith(QrScenePrefix, StringComparison.Ordinal) && k.Length > QrScenePrefix.Length
                    ? new ChannelAttribution(AttributionSources.WeChatQrScene, k[QrScenePrefix.Length..])
                    : null,
                Metadata = Ticket(xml),
            },
            "unsubscribe" => payload with { EventType = ContactEventTypes.Unfollow, Churn = true },
            "SCAN" => payload with
            {
                EventType = ContactEventTypes.Scan,
                Attribution = eventKey is { Length: > 0 } scene ? new ChannelAttribution(AttributionSources.WeChatQrScene, scene) : null,
                Metadata = Ticket(xml),
            },
            "CLICK" or "scancode_push" or "scancode_waitmsg" or "pic_sysphoto" or "pic_photo_or_album" or "pic_weixin" or "location_select" =>
                payload with { EventType = ContactEventTypes.MenuClick, Detail = eventKey, Metadata = new Dictionary<string, string> { ["event"] = name } },
            "VIEW" or "view_miniprogram" =>
                payload with { EventType = ContactEventTypes.MenuView, Detail = eventKey, Metadata = new Dictionary<string, string> { ["event"] = name } },
            "LOCATION" => payload with
            {
                EventType = ContactEventTypes.LocationReport,
                Location = new GeoPoint(TencentMessages.Number(xml, "Latitude"), TencentMessages.Number(xml, "Longitude"), TencentMessages.OptionalNumber(xml, "Precision"), null),
            },
            _ => payload,
        };
        if (payload.EventType.Length == 0)
        {
            return null;
        }

        return new InboundItem(InboundKind.ContactEvent, WeChatChannel.Name, account, key, at,
            JsonSerializer.Serialize(payload, InboundJson.Stored.ContactEventPayload));
    }

    private static Dictionary<string, string>? Ticket(CallbackXml xml) =>
        xml["Ticket"] is { Length: > 0 } ticket ? new Dictionary<string, string> { ["ticket"] = ticket } : null;
}
