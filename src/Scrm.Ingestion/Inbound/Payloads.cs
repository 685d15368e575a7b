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

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MentionPayload))]
[JsonSerializable(typeof(LeadPayload))]
public sealed partial class InboundJson : JsonSerializerContext;
