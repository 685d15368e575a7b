using System.Globalization;
using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>
/// The message part WeChat and WeCom callbacks share: text, image, voice, video, location and link
/// messages with their common header (ToUserName, FromUserName, CreateTime, MsgType, MsgId).
/// </summary>
public static class TencentMessages
{
    public const int MaxTextLength = 20_000;

    /// <summary>A message callback (any MsgType but <c>event</c>) as a journal item keyed by its MsgId.</summary>
    public static InboundItem ToItem(string channel, string account, CallbackXml xml)
    {
        var at = CreateTime(xml);
        var msgId = xml.Required("MsgId");
        var msgType = xml.Required("MsgType");
        var contact = new ChannelContact(xml.Required("FromUserName"), null, null);
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
        return new InboundItem(InboundKind.Message, channel, account, $"{channel}:{account}:{msgId}", at,
            JsonSerializer.Serialize(payload, InboundJson.Stored.MessagePayload));

        MessagePayload Message(string type, string? text) =>
            new(channel, account, contact, xml["ToUserName"], msgId, type, text, null, null, null, at, null);
    }

    /// <summary>The callback's CreateTime (Unix seconds) as an instant.</summary>
    public static DateTimeOffset CreateTime(CallbackXml xml) =>
        long.TryParse(xml.Required("CreateTime"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new CallbackRejectedException(CallbackFailure.MalformedXml, "CreateTime is not Unix seconds.");

    public static double Number(CallbackXml xml, string name) =>
        OptionalNumber(xml, name) ?? throw new CallbackRejectedException(CallbackFailure.MalformedXml, $"The message has no numeric {name}.");

    public static double? OptionalNumber(CallbackXml xml, string name) =>
        xml[name] is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : null;

    private static string? Limit(string? text) => text is { Length: > MaxTextLength } ? text[..MaxTextLength] : text;
}
