using System.Globalization;
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

    private const int MaxTextLength = 20_000;

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
        var at = CreateTime(xml);
        var key = $"{WeChatChannel.Name}:{account}:{DedupeKey(xml)}";
        var msgType = xml.Required("MsgType");
        if (msgType == "event")
        {
            return MapEvent(account, xml, from, at, key);
        }

        var contact = new ChannelContact(from, null, null);
        var id = xml["MsgId"] ?? DedupeKey(xml);
        MessagePayload payload = msgType switch
        {
            "text" => Message(MessageTypes.Text, Limit(xml.Required("Content"))),
            "image" => Message(MessageTypes.Image, null) with { Media = new MediaRef(xml.Required("MediaId"), xml["PicUrl"], null, null) },
            "voice" => Message(MessageTypes.Voice, Limit(xml["Recognition"])) with { Media = new MediaRef(xml.Required("MediaId"), null, xml["Format"], null) },
            "video" or "shortvideo" => Message(MessageTypes.Video, null) with { Media = new MediaRef(xml.Required("MediaId"), null, null, xml["ThumbMediaId"]) },
            "location" => Message(MessageTypes.Location, xml["Label"]) with
            {
                Location = new GeoPoint(Number(xml, "Location_X"), Number(xml, "Location_Y"), OptionalNumber(xml, "Scale"), xml["Label"]),
            },
            "link" => Message(MessageTypes.Link, xml["Title"]) with { Link = new LinkRef(xml.Required("Url"), xml["Title"], xml["Description"]) },
            "file" => Message(MessageTypes.File, xml["Title"]),
            _ => Message(MessageTypes.Other, null) with { Metadata = new Dictionary<string, string> { ["msgType"] = msgType } },
        };
        return new InboundItem(InboundKind.Message, WeChatChannel.Name, account, key, at,
            JsonSerializer.Serialize(payload, InboundJson.Default.MessagePayload));

        MessagePayload Message(string type, string? text) =>
            new(WeChatChannel.Name, account, contact, xml["ToUserName"], id, type, text, null, null, null, at, null);
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
                Location = new GeoPoint(Number(xml, "Latitude"), Number(xml, "Longitude"), OptionalNumber(xml, "Precision"), null),
            },
            _ => payload,
        };
        if (payload.EventType.Length == 0)
        {
            return null;
        }

        return new InboundItem(InboundKind.ContactEvent, WeChatChannel.Name, account, key, at,
            JsonSerializer.Serialize(payload, InboundJson.Default.ContactEventPayload));
    }

    private static Dictionary<string, string>? Ticket(CallbackXml xml) =>
        xml["Ticket"] is { Length: > 0 } ticket ? new Dictionary<string, string> { ["ticket"] = ticket } : null;

    private static DateTimeOffset CreateTime(CallbackXml xml) =>
        long.TryParse(xml.Required("CreateTime"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new CallbackRejectedException(CallbackFailure.MalformedXml, "CreateTime is not Unix seconds.");

    private static double Number(CallbackXml xml, string name) =>
        OptionalNumber(xml, name) ?? throw new CallbackRejectedException(CallbackFailure.MalformedXml, $"The message has no numeric {name}.");

    private static double? OptionalNumber(CallbackXml xml, string name) =>
        xml[name] is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : null;

    private static string? Limit(string? text) => text is { Length: > MaxTextLength } ? text[..MaxTextLength] : text;
}
