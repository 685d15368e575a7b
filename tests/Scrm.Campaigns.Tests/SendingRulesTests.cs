using Scrm.Campaigns.Sending;
using Scrm.Customers.Directory;
using Scrm.Customers.Identity;

namespace Scrm.Campaigns.Tests;

/// <summary>The pure decisions of a send: channel choice in the marketer's order, quiet hours in China time, the frequency cap.</summary>
public sealed class SendingRulesTests
{
    private static readonly long Now = DateTimeOffset.Parse("2026-11-11T02:00:00Z").ToUnixTimeMilliseconds();

    private static readonly ChannelPlan WeChatText = new("wechat", "brand", Text: "hi");
    private static readonly ChannelPlan WeChatTemplate = new("wechat", "brand", TemplateId: "T", Values: new Dictionary<string, string> { ["first"] = "hi" });
    private static readonly ChannelPlan WeCom = new("wecom", "corp", Text: "hi");
    private static readonly ChannelPlan Sms = new("sms", "gw", Text: "hi");
    private static readonly ChannelPlan Email = new("email", "news", Text: "hi", Subject: "s");

    private static CustomerReach Customer(string[] identities, string[] consents, long? lastInbound = null, string? phone = null) => new(
        Guid.Empty, "张三", null, phone, null, "gold", null, null,
        [.. identities.Select(i => i switch
        {
            "openid" => new ReachIdentity(IdentityTypes.WeChatOpenId, "brand", "o1"),
            "openid-other" => new ReachIdentity(IdentityTypes.WeChatOpenId, "other", "o2"),
            "unionid" => new ReachIdentity(IdentityTypes.WeChatUnionId, "", "u1"),
            "wecom" => new ReachIdentity(IdentityTypes.WeComExternalUserId, "corp", "wm1"),
            "phone" => new ReachIdentity(IdentityTypes.Phone, "", "+8613800000000"),
            _ => new ReachIdentity(IdentityTypes.Email, "", "a@example.com"),
        })],
        [.. consents.Select(c => new ReachConsent(c.TrimStart('!'), !c.StartsWith('!')))],
        lastInbound);

    public static TheoryData<string, string[], string[], string[], string?, string?> Choices() => new()
    {
        // case, identities, consents, unsubscribed, expected channel, expected hold
        { "first ordered channel wins", ["openid", "phone"], ["wechat:brand", "sms"], [], "wechat", null },
        { "no consent on the first: next", ["openid", "phone"], ["sms"], [], "sms", null },
        { "withdrawn consent is none", ["openid"], ["!wechat:brand"], [], null, HoldReason.NoConsent },
        { "consent for another account is none", ["openid"], ["wechat:other"], [], null, HoldReason.NoConsent },
        { "an OpenID of another account is no address", ["openid-other"], ["wechat:brand"], [], null, HoldReason.Unreachable },
        { "a UnionID is no address", ["unionid"], ["wechat:brand"], [], null, HoldReason.Unreachable },
        { "nothing to reach", [], ["sms"], [], null, HoldReason.Unreachable },
        { "unsubscribed on the channel", ["phone"], ["sms"], ["sms"], null, HoldReason.Unsubscribed },
        { "unsubscribed on one, sent on the next", ["wecom", "phone"], ["wecom:corp", "sms"], ["wecom"], "sms", null },
        { "unsubscribed from everything", ["wecom", "phone"], ["wecom:corp", "sms"], ["*"], null, HoldReason.Unsubscribed },
        { "unsubscribe outranks missing consent", ["wecom", "phone"], ["sms"], ["sms"], null, HoldReason.Unsubscribed },
        { "e-mail last", ["email"], ["email"], [], "email", null },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public void The_channel_is_the_first_in_order_the_customer_can_receive_with_consent(string name, string[] identities, string[] consents, string[] unsubscribed, string? channel, string? held)
    {
        var (choice, reason) = Audience.Choose(Customer(identities, consents), [WeChatTemplate, WeCom, Sms, Email], unsubscribed.ToHashSet(), Now);

        choice?.Plan.Channel.ShouldBe(channel, name);
        if (channel is null)
        {
            choice.ShouldBeNull(name);
        }

        reason.ShouldBe(held, name);
    }

    [Fact]
    public void WeChat_customer_service_text_needs_the_48_hour_window_and_a_template_does_not()
    {
        var recent = Customer(["openid", "phone"], ["wechat:brand", "sms"], lastInbound: Now - (long)TimeSpan.FromHours(47).TotalMilliseconds);
        var stale = recent with { LastInboundAt = Now - (long)TimeSpan.FromHours(49).TotalMilliseconds };

        Audience.Choose(recent, [WeChatText, Sms], new HashSet<string>(), Now).Choice!.Plan.Channel.ShouldBe("wechat");
        Audience.Choose(stale, [WeChatText, Sms], new HashSet<string>(), Now).Choice!.Plan.Channel.ShouldBe("sms");
        Audience.Choose(stale, [WeChatText], new HashSet<string>(), Now).Held.ShouldBe(HoldReason.OutsideWindow);
        Audience.Choose(stale, [WeChatTemplate], new HashSet<string>(), Now).Choice!.Plan.Channel.ShouldBe("wechat");
    }

    [Theory]
    [InlineData("21:00", "08:00", "2026-11-11T13:00:00Z", true)]   // 21:00 China
    [InlineData("21:00", "08:00", "2026-11-11T12:59:00Z", false)]  // 20:59
    [InlineData("21:00", "08:00", "2026-11-11T23:59:00Z", true)]   // 07:59
    [InlineData("21:00", "08:00", "2026-11-12T00:00:00Z", false)]  // 08:00
    [InlineData("12:00", "14:00", "2026-11-11T05:00:00Z", true)]   // 13:00
    [InlineData("12:00", "14:00", "2026-11-11T07:00:00Z", false)]  // 15:00
    [InlineData("00:00", "00:00", "2026-11-11T16:00:00Z", false)]  // none
    public void Quiet_hours_are_China_time_and_may_span_midnight(string start, string end, string instant, bool quiet)
    {
        var hours = new QuietHours(TimeOnly.Parse(start), TimeOnly.Parse(end));
        var at = DateTimeOffset.Parse(instant);

        hours.Contains(at).ShouldBe(quiet);
        var over = hours.EndAfter(at);
        hours.Contains(over).ShouldBeFalse();
        (over - at).ShouldBeLessThanOrEqualTo(TimeSpan.FromHours(24));
        if (quiet)
        {
            TimeOnly.FromTimeSpan(over.ToOffset(TimeSpan.FromHours(8)).TimeOfDay).ShouldBe(TimeOnly.Parse(end));
        }
    }

    [Theory]
    [InlineData(2, 0, true)]
    [InlineData(2, 1, true)]
    [InlineData(2, 2, false)]
    [InlineData(1, 1, false)]
    public void The_cap_allows_a_message_only_below_its_count(int cap, int claimed, bool allowed) =>
        new FrequencyCap(cap, TimeSpan.FromDays(7)).Allows(claimed).ShouldBe(allowed);

    [Fact]
    public void The_cap_window_reaches_back_its_length() =>
        new FrequencyCap(2, TimeSpan.FromDays(7)).Since(Now).ShouldBe(Now - 7 * 86_400_000L);
}
