using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scrm.Ingestion.Inbound;

/// <summary>A public or semi-public post that names or concerns the brand.</summary>
public sealed record MentionPayload(
    string Source,
    string ExternalId,
    Person? Author,
    string Text,
    string? Url,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, JsonElement>? Metadata);

/// <summary>Someone on a channel, as the channel names them.</summary>
public sealed record Person(string Id, string? Name);

/// <summary>A prospective customer who left contact details.</summary>
public sealed record LeadPayload(
    string? Name,
    PhoneValue? Phone,
    string? Email,
    string? Company,
    string? Title,
    string? Message,
    LeadOrigin Origin,
    DateTimeOffset SubmittedAt,
    IReadOnlyDictionary<string, string>? Fields);

/// <summary>A phone number as given, and as E.164 when it could be normalised without guessing.</summary>
public sealed record PhoneValue(string Raw, string? E164);

/// <summary>Where a lead came from, kept for attribution.</summary>
public sealed record LeadOrigin(
    string Channel,
    string? Form,
    string? Campaign,
    string? UtmSource,
    string? UtmMedium,
    string? UtmCampaign,
    string? UtmTerm,
    string? UtmContent,
    string? PageUrl,
    string? Referrer);

/// <summary>Someone on a messaging channel: their id there and, when the channel gave it, the cross-app UnionID.</summary>
public sealed record ChannelContact(string Id, string? UnionId, string? Name);

/// <summary>A private message from a customer to the brand on a messaging channel (WeChat, WeCom).</summary>
/// <param name="To">The brand side it was sent to: the account's original id, or the rep's user id.</param>
/// <param name="MessageId">The channel's own id for the message (or the key that identifies it when it has none).</param>
/// <param name="MessageType">One of <see cref="MessageTypes"/>.</param>
/// <param name="Text">The text, a voice message's transcription, or a link's title.</param>
public sealed record MessagePayload(
    string Channel,
    string Account,
    ChannelContact From,
    string? To,
    string MessageId,
    string MessageType,
    string? Text,
    MediaRef? Media,
    GeoPoint? Location,
    LinkRef? Link,
    DateTimeOffset SentAt,
    IReadOnlyDictionary<string, string>? Metadata);

/// <summary>The kinds of <see cref="MessagePayload"/>.</summary>
public static class MessageTypes
{
    public const string Text = "text";
    public const string Image = "image";
    public const string Voice = "voice";
    public const string Video = "video";
    public const string Location = "location";
    public const string Link = "link";
    public const string File = "file";
    public const string Other = "other";
}

/// <summary>Media held by the channel, fetched through its API by id while the channel keeps it.</summary>
public sealed record MediaRef(string MediaId, string? Url, string? Format, string? ThumbMediaId);

public sealed record GeoPoint(double Latitude, double Longitude, double? Precision, string? Label);

public sealed record LinkRef(string Url, string? Title, string? Description);

/// <summary>
/// A change in how a contact relates to the brand: followed or unfollowed, scanned a code, used
/// the menu, added or removed a rep. Attribution keeps the channel's own source key.
/// </summary>
/// <param name="EventType">One of <see cref="ContactEventTypes"/>.</param>
/// <param name="Staff">The rep involved (WeCom UserID), when there is one.</param>
/// <param name="Churn">The contact ended the relationship (unfollowed, removed the rep).</param>
/// <param name="Detail">What was used: a menu key or URL.</param>
public sealed record ContactEventPayload(
    string Channel,
    string Account,
    ChannelContact Contact,
    string EventType,
    string? Staff,
    ChannelAttribution? Attribution,
    bool Churn,
    string? Detail,
    GeoPoint? Location,
    DateTimeOffset OccurredAt,
    IReadOnlyDictionary<string, string>? Metadata);

/// <summary>Where a contact came from, as the channel tells it: a QR scene key, a contact-way state.</summary>
/// <param name="Source">One of <see cref="AttributionSources"/>.</param>
public sealed record ChannelAttribution(string Source, string Key);

public static class AttributionSources
{
    /// <summary>A WeChat parametric QR code's scene key.</summary>
    public const string WeChatQrScene = "wechat_qr_scene";

    /// <summary>A WeCom "contact me" code's <c>State</c>.</summary>
    public const string WeComContactWayState = "wecom_contact_way_state";
}

/// <summary>The kinds of <see cref="ContactEventPayload"/>.</summary>
public static class ContactEventTypes
{
    public const string Follow = "follow";
    public const string Unfollow = "unfollow";
    public const string Scan = "scan";
    public const string MenuClick = "menu_click";
    public const string MenuView = "menu_view";
    public const string LocationReport = "location_report";

    /// <summary>The channel told the contact's cross-app UnionID (WeChat <c>user/info</c>); nothing else happened.</summary>
    public const string Identified = "identified";

    /// <summary>A rep added the customer as an external contact.</summary>
    public const string ContactAdded = "contact_added";
    public const string ContactEdited = "contact_edited";

    /// <summary>The rep removed the customer.</summary>
    public const string StaffRemovedContact = "staff_removed_contact";

    /// <summary>The customer removed the rep: a churn signal.</summary>
    public const string ContactRemovedStaff = "contact_removed_staff";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MentionPayload))]
[JsonSerializable(typeof(LeadPayload))]
[JsonSerializable(typeof(MessagePayload))]
[JsonSerializable(typeof(ContactEventPayload))]
public sealed partial class InboundJson : JsonSerializerContext
{
    /// <summary>
    /// How payloads are written to the journal: Chinese stays UTF-8 instead of <c>\uXXXX</c>
    /// escapes, which halves a Chinese text's stored size. Stored JSON is never put into HTML as is.
    /// </summary>
    public static InboundJson Stored { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
