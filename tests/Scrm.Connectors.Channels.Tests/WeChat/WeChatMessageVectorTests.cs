using System.Text.Json;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeChat.Callbacks;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;

namespace Scrm.Connectors.Channels.Tests.WeChat;

/// <summary>The plain message and event vectors, and the message types a CRM needs, mapped to journal items.</summary>
public sealed class WeChatMessageVectorTests
{
    public static TheoryData<string> Messages => Fixtures.VectorIds("wechat_oa_plain_message");

    public static TheoryData<string> Events => Fixtures.VectorIds("wechat_oa_plain_event");

    [Theory]
    [MemberData(nameof(Messages))]
    public void Plain_messages_map_to_message_items_keyed_by_MsgId(string id)
    {
        var v = Fixtures.Vector(id);
        var expected = v.GetProperty("expected");

        var item = WeChatMessages.Map("brand", CallbackXml.Parse(v.GetProperty("inputs").Text("xml"))).ShouldNotBeNull();

        item.Kind.ShouldBe(InboundKind.Message);
        item.IdempotencyKey.ShouldBe($"wechat:brand:{expected.Text("dedupeKey")}");
        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MessagePayload)!;
        payload.From.Id.ShouldBe(expected.Text("fromUser"));
        payload.MessageType.ShouldBe(expected.Text("msgType"));
        payload.Text.ShouldBe(expected.Text("content"));
        payload.MessageId.ShouldBe(expected.Text("msgId"));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Subscribe_and_scan_events_keep_the_qr_scene_as_attribution(string id)
    {
        var v = Fixtures.Vector(id);
        var expected = v.GetProperty("expected");

        var item = WeChatMessages.Map("brand", CallbackXml.Parse(v.GetProperty("inputs").Text("xml"))).ShouldNotBeNull();

        item.Kind.ShouldBe(InboundKind.ContactEvent);
        item.IdempotencyKey.ShouldBe($"wechat:brand:{expected.Text("dedupeKey")}");
        if (expected.OptionalText("createdAtUtc") is { } created)
        {
            item.OccurredAt.ShouldBe(DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture));
        }

        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.ContactEventPayload)!;
        payload.Contact.Id.ShouldBe(expected.Text("fromUser"));
        payload.EventType.ShouldBe(expected.Text("event") == "subscribe" ? ContactEventTypes.Follow : ContactEventTypes.Scan);
        payload.Attribution.ShouldBe(new ChannelAttribution(AttributionSources.WeChatQrScene, expected.Text("sceneKey")));
        payload.Metadata!["ticket"].ShouldBe("TICKET1");
    }

    private const string Head = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oU]]></FromUserName><CreateTime>1700000000</CreateTime>";

    [Theory]
    [InlineData("<MsgType>image</MsgType><PicUrl>http://mmbiz/p.jpg</PicUrl><MediaId>m1</MediaId><MsgId>11</MsgId>", MessageTypes.Image)]
    [InlineData("<MsgType>voice</MsgType><MediaId>m2</MediaId><Format>amr</Format><Recognition>你好</Recognition><MsgId>12</MsgId>", MessageTypes.Voice)]
    [InlineData("<MsgType>video</MsgType><MediaId>m3</MediaId><ThumbMediaId>t3</ThumbMediaId><MsgId>13</MsgId>", MessageTypes.Video)]
    [InlineData("<MsgType>shortvideo</MsgType><MediaId>m4</MediaId><ThumbMediaId>t4</ThumbMediaId><MsgId>14</MsgId>", MessageTypes.Video)]
    [InlineData("<MsgType>location</MsgType><Location_X>39.9042</Location_X><Location_Y>116.4074</Location_Y><Scale>15</Scale><Label>北京</Label><MsgId>15</MsgId>", MessageTypes.Location)]
    [InlineData("<MsgType>link</MsgType><Title>T</Title><Description>D</Description><Url>https://example.com/a</Url><MsgId>16</MsgId>", MessageTypes.Link)]
    public void Every_message_type_maps_with_its_content(string body, string type)
    {
        var item = WeChatMessages.Map("brand", CallbackXml.Parse(Head + body + "</xml>")).ShouldNotBeNull();

        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MessagePayload)!;
        payload.MessageType.ShouldBe(type);
        switch (type)
        {
            case MessageTypes.Image:
                payload.Media.ShouldBe(new MediaRef("m1", "http://mmbiz/p.jpg", null, null));
                break;
            case MessageTypes.Voice:
                (payload.Media!.Format, payload.Text).ShouldBe(("amr", "你好"));
                break;
            case MessageTypes.Video:
                payload.Media!.ThumbMediaId.ShouldStartWith("t");
                break;
            case MessageTypes.Location:
                payload.Location.ShouldBe(new GeoPoint(39.9042, 116.4074, 15, "北京"));
                break;
            case MessageTypes.Link:
                payload.Link.ShouldBe(new LinkRef("https://example.com/a", "T", "D"));
                break;
        }
    }

    [Theory]
    [InlineData("<Event>unsubscribe</Event>", ContactEventTypes.Unfollow, true, null)]
    [InlineData("<Event>CLICK</Event><EventKey>MENU_PRICES</EventKey>", ContactEventTypes.MenuClick, false, "MENU_PRICES")]
    [InlineData("<Event>VIEW</Event><EventKey>https://shop.example.com</EventKey>", ContactEventTypes.MenuView, false, "https://shop.example.com")]
    [InlineData("<Event>LOCATION</Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>65</Precision>", ContactEventTypes.LocationReport, false, null)]
    [InlineData("<Event>subscribe</Event>", ContactEventTypes.Follow, false, null)]
    public void Events_a_crm_acts_on_map_to_contact_events(string body, string type, bool churn, string? detail)
    {
        var item = WeChatMessages.Map("brand", CallbackXml.Parse(Head + "<MsgType>event</MsgType>" + body + "</xml>")).ShouldNotBeNull();

        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.ContactEventPayload)!;
        (payload.EventType, payload.Churn, payload.Detail).ShouldBe((type, churn, detail));
        item.IdempotencyKey.ShouldBe("wechat:brand:oU|1700000000");
        if (type == ContactEventTypes.Follow)
        {
            payload.Attribution.ShouldBeNull();
        }
    }

    [Fact]
    public void Events_the_product_does_not_act_on_are_dropped() =>
        WeChatMessages.Map("brand", CallbackXml.Parse(Head + "<MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event></xml>")).ShouldBeNull();

    [Theory]
    [InlineData("<MsgType>text</MsgType><MsgId>1</MsgId>")]
    [InlineData("<MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y><MsgId>1</MsgId>")]
    public void Messages_without_their_required_fields_are_malformed(string body) =>
        Should.Throw<CallbackRejectedException>(() => WeChatMessages.Map("brand", CallbackXml.Parse(Head + body + "</xml>")))
            .Failure.ShouldBe(CallbackFailure.MalformedXml);
}
