using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;

namespace Scrm.Customers.Identity;

/// <summary>
/// Reads journal items as observations. Leads and mentions use the ingestion payload records; messages
/// and contact events are read by property name (see <see cref="ChannelPayloads"/>).
/// </summary>
internal static class InboundObservations
{
    public static Observation? From(JournalEntry entry, ResolutionOptions options)
    {
        try
        {
            return entry.Kind switch
            {
                InboundKind.Lead => FromLead(entry, JsonSerializer.Deserialize(entry.Payload, InboundJson.Default.LeadPayload), options),
                InboundKind.Mention => FromMention(entry, JsonSerializer.Deserialize(entry.Payload, InboundJson.Default.MentionPayload)),
                InboundKind.Message => ChannelPayloads.FromMessage(entry),
                InboundKind.ContactEvent => ChannelPayloads.FromContactEvent(entry, options),
                _ => null,
            };
        }
        catch (JsonException)
        {
            // The connector validated it; an unreadable payload names nobody.
            return null;
        }
    }

    internal static string EventKey(long position) => "j:" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Observation? FromLead(JournalEntry entry, LeadPayload? lead, ResolutionOptions options)
    {
        if (lead is null)
        {
            return null;
        }

        var keys = new List<IdentityKey>(3);
        if (PhoneKeys.FromE164(lead.Phone?.E164) is { } phone)
        {
            keys.Add(phone);
        }

        if (!string.IsNullOrEmpty(lead.Email))
        {
            keys.Add(IdentityKey.Global(IdentityTypes.Email, lead.Email));
        }

        if (lead.Fields is not null && lead.Fields.TryGetValue(options.VisitorIdField, out var visitor) && IsToken(visitor))
        {
            keys.Add(IdentityKey.Global(IdentityTypes.WebVisitor, visitor));
        }

        var source = lead.Origin.Form is { } form ? $"{lead.Origin.Channel}:{form}" : lead.Origin.Channel;
        return new Observation
        {
            EventKey = EventKey(entry.Position),
            Position = entry.Position,
            Kind = "lead",
            Channel = entry.Channel,
            OccurredAt = lead.SubmittedAt,
            Keys = keys,
            Profile = new ProfileHints
            {
                Name = lead.Name,
                Company = lead.Company,
                Title = lead.Title,
                Phone = lead.Phone?.E164 ?? lead.Phone?.Raw,
                Email = lead.Email,
                Province = Field(lead, "province"),
                City = Field(lead, "city"),
                Industry = Field(lead, "industry"),
                Source = lead.Origin.UtmSource is { } utm ? $"{source}/{utm}" : source,
                CustomFields = Field(lead, "product") is { } product ? new Dictionary<string, string> { ["product"] = product } : null,
            },
            Summary = Clip(lead.Message) ?? "left contact details",
            Data = JsonSerializer.Serialize(new TimelineLead(lead.Origin.Form, lead.Origin.Campaign, lead.Origin.UtmSource, lead.Origin.PageUrl), CustomersJson.Default.TimelineLead),
            SalesActivity = true,
        };
    }

    private static Observation? FromMention(JournalEntry entry, MentionPayload? mention)
    {
        if (mention?.Author is not { } author || !IsToken(author.Id))
        {
            return null;
        }

        var key = entry.Channel == "weibo"
            ? IdentityKey.Global(IdentityTypes.WeiboUid, author.Id)
            : new IdentityKey(IdentityTypes.External, $"{entry.Channel}:{mention.Source}", author.Id);
        return new Observation
        {
            EventKey = EventKey(entry.Position),
            Position = entry.Position,
            Kind = "mention",
            Channel = entry.Channel,
            OccurredAt = mention.CreatedAt,
            Keys = [key],
            Profile = new ProfileHints { Nickname = author.Name, Source = entry.Channel },
            Summary = Headline(mention.Text),
            Data = mention.Url is null ? null : JsonSerializer.Serialize(new TimelineLink(mention.Url), CustomersJson.Default.TimelineLink),
        };
    }

    /// <summary>A fact the lead's form or sender gave as an extra field (province, city, industry, product).</summary>
    internal static string? Field(LeadPayload lead, string name) =>
        lead.Fields?.GetValueOrDefault(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Ids are opaque tokens: printable, no spaces, bounded.</summary>
    internal static bool IsToken(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 200)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c <= ' ' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    internal static string? Clip(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>
    /// The start of a mention's or message's text, for the timeline line: the community inbox and the
    /// journal keep the whole text (the item's position finds it), so a timeline row does not keep a third copy.
    /// </summary>
    internal static string? Headline(string? text)
    {
        const int Length = 30;
        if (string.IsNullOrWhiteSpace(text) || text.Length <= Length)
        {
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }

        // Never half of a surrogate pair (emoji are common in Weibo posts).
        var cut = char.IsHighSurrogate(text[Length - 1]) ? Length - 1 : Length;
        return text[..cut] + "…";
    }
}
