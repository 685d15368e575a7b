using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Sending;
using Scrm.Web.Marketing.Campaigns;
using Scrm.Web.Shell;

namespace Scrm.Web.Tests.Marketing;

/// <summary>The campaign editor's pure parts: the variables hint, recipient names, and the A/B split it saves.</summary>
public sealed class CampaignDraftTests
{
    [Fact]
    public void The_variables_hint_shows_liquid_double_braces_in_both_languages()
    {
        CampaignTexts.VariablesHint(Ui.Chinese).ShouldStartWith("可用变量：{{ customer.name }}、{{ customer.tier }}");
        CampaignTexts.VariablesHint(new Ui("en")).ShouldContain("{{ unsubscribe_url }}");
    }

    [Fact]
    public void A_recipient_is_named_by_name_and_masked_contact_and_never_by_id()
    {
        var id = Guid.NewGuid();
        CampaignTexts.RecipientLabel(new SegmentMember(id, "王芳", "139****0001", null, null, null, null, null), 1, Ui.Chinese).ShouldBe("王芳 · 139****0001");
        CampaignTexts.RecipientLabel(new SegmentMember(id, null, null, "w***@example.com", null, null, null, null), 2, Ui.Chinese).ShouldBe("w***@example.com");
        CampaignTexts.RecipientLabel(new SegmentMember(id, null, null, null, null, null, null, null), 3, Ui.Chinese).ShouldBe("未具名客户 3");
    }

    [Fact]
    public void A_variant_keeps_its_saved_channels_until_its_text_changes_and_the_split_reaches_the_plan()
    {
        var own = new ChannelPlan[] { new("wechat", "brand", "甲"), new("sms", "brand", "乙") };
        var view = new CampaignView(Guid.NewGuid(), "会员日", Guid.NewGuid(),
            new CampaignPlan([new("wechat", "brand", "原文"), new("email", "mail", "原文", "标题")], null, [new("A", 30), new("B", 70, own)], 10),
            CampaignStatus.Draft, null, null, null, null, "mk", DateTimeOffset.UnixEpoch, "mk", DateTimeOffset.UnixEpoch, 1);
        var draft = CampaignDraft.From(view);
        draft.Variants.Select(v => (v.Name, v.Weight, v.Text)).ShouldBe([("A", 30, ""), ("B", 70, "甲")]);
        draft.ToPlan().Variants!.Select(v => v.Channels).ShouldBe([null, own]);
        draft.ToPlan().Holdout.ShouldBe(10);

        draft.Variants[1].Text = "新文案";
        draft.ToPlan().Variants![1].Channels!.Select(c => (c.Channel, c.Text, c.Subject)).ShouldBe([("wechat", "新文案", null), ("email", "新文案", "标题")]);
        draft.Variants.Clear();
        draft.ToPlan().Variants.ShouldBeNull();
    }
}
