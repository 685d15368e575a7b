using System.Text.Json;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;

namespace Scrm.Connectors.WeCom.Callbacks;

/// <summary>
/// Turns a WeCom callback into a journal item: <c>change_external_contact</c> events (a rep added,
/// edited or removed a customer, or the customer removed the rep) and messages. Other events are
/// acknowledged and dropped.
/// </summary>
internal static class WeComEvents
{
    /// <summary>The platform may deliver an external-contact change more than once; this names the change.</summary>
    public static string DedupeKey(CallbackXml xml) =>
        $"{xml.Required("CreateTime")}|{xml.Required("ChangeType")}|{xml.Required("UserID")}|{xml.Required("ExternalUserID")}";

    public static InboundItem? Map(string account, CallbackXml xml)
    {
        if (xml.Required("MsgType") != "event")
        {
            return TencentMessages.ToItem(WeComChannel.Name, account, xml);
        }

        if (xml.Required("Event") != "change_external_contact")
        {
            return null;
        }

        var changeType = xml.Required("ChangeType");
        var (eventType, churn) = changeType switch
        {
            "add_external_contact" or "add_half_external_contact" => (ContactEventTypes.ContactAdded, false),
            "edit_external_contact" => (ContactEventTypes.ContactEdited, false),
            "del_external_contact" => (ContactEventTypes.StaffRemovedContact, false),
            "del_follow_user" => (ContactEventTypes.ContactRemovedStaff, true),
            _ => ("", false),
        };
        if (eventType.Length == 0)
        {
            return null;
        }

        var at = TencentMessages.CreateTime(xml);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["changeType"] = changeType };
        if (xml["WelcomeCode"] is { Length: > 0 } welcomeCode)
        {
            // Valid for 20 seconds: whoever sends the welcome message needs it at once.
            metadata["welcomeCode"] = welcomeCode;
        }

        if (xml["Source"] is { Length: > 0 } source)
        {
            metadata["source"] = source;
        }

        var payload = new ContactEventPayload(
            WeComChannel.Name,
            account,
            new ChannelContact(xml.Required("ExternalUserID"), null, null),
            eventType,
            xml.Required("UserID"),
            xml["State"] is { Length: > 0 } state ? new ChannelAttribution(AttributionSources.WeComContactWayState, state) : null,
            churn,
            null,
            null,
            at,
            metadata);
        return new InboundItem(InboundKind.ContactEvent, WeComChannel.Name, account, $"{WeComChannel.Name}:{account}:{DedupeKey(xml)}", at,
            JsonSerializer.Serialize(payload, InboundJson.Stored.ContactEventPayload));
    }
}
