using Scrm.Campaigns.Segments;
using Scrm.Platform.Text;
using Scrm.Web.Shell;

namespace Scrm.Web.Marketing.Campaigns;

internal static class CampaignTexts
{
    public static readonly UserText List = new("活动列表", "Campaigns");
    public static readonly UserText New = new("新建活动", "New campaign");
    public static readonly UserText None = new("还没有活动", "No campaigns yet");
    public static readonly UserText Calendar = new("营销日历", "Marketing calendar");
    public static readonly UserText PreviousMonth = new("上个月", "Previous month");
    public static readonly UserText NextMonth = new("下个月", "Next month");
    public static readonly UserText MonthTitle = new("{0} 年 {1} 月", "{1}/{0}");
    public static readonly UserText Weekdays = new("一,二,三,四,五,六,日", "Mon,Tue,Wed,Thu,Fri,Sat,Sun");
    public static readonly UserText Editor = new("活动设置", "Campaign");
    public static readonly UserText Name = new("活动名称", "Campaign name");
    public static readonly UserText Segment = new("目标分群", "Segment");
    public static readonly UserText PickSegment = new("选择已保存的分群", "Pick a saved segment");
    public static readonly UserText Channels = new("发送渠道（按顺序尝试，每位客户只收到一条）", "Channels (tried in order; each customer gets one message)");
    public static readonly UserText Channel = new("渠道", "Channel");
    public static readonly UserText Account = new("账号", "Account");
    public static readonly UserText Text = new("内容", "Content");
    public static readonly UserText Subject = new("邮件标题", "Subject");
    public static readonly UserText TemplateId = new("模板消息 ID（留空则发客服消息）", "Template id (blank: a customer-service text)");
    public static readonly UserText TemplateValues = new("模板字段（每行 key=value）", "Template fields (key=value a line)");
    public static readonly UserText Url = new("链接（可选，发送时自动追踪点击）", "Link (optional; clicks are tracked)");
    public static readonly UserText AddChannel = new("添加渠道", "Add channel");
    public static readonly UserText MoveUp = new("上移", "Move up");
    public static readonly UserText MoveDown = new("下移", "Move down");
    public static readonly UserText Remove = new("删除", "Remove");
    /// <summary>The hint above the channels; the variable names go in as a value, so Liquid's braces are not read as format holes.</summary>
    public static readonly UserText Variables = new("可用变量：{0}", "Variables: {0}");

    /// <summary>The names a campaign's Liquid templates can use (see the campaigns module's content renderer).</summary>
    public static readonly IReadOnlyList<string> TemplateVariables = ["customer.name", "customer.tier", "customer.province", "customer.city", "campaign.name", "link", "unsubscribe_url"];

    public static string VariablesHint(Ui ui) =>
        ui.Format(Variables, string.Join(ui.English ? ", " : "、", TemplateVariables.Select(v => "{{ " + v + " }}")));

    public static readonly UserText QuietHours = new("免打扰时段（北京时间 HH:mm，留空用默认 {0}–{1}；起止相同表示不设）", "Quiet hours (China time HH:mm; blank: the default {0}–{1}; equal: none)");
    public static readonly UserText QuietStart = new("免打扰开始", "Quiet from");
    public static readonly UserText QuietEnd = new("免打扰结束", "Quiet until");
    public static readonly UserText Cap = new("频次上限：每位客户 {0} 天内最多 {1} 条营销消息（全部活动、全部渠道合计，系统设置）", "Frequency cap: at most {1} marketing messages per customer in {0} days (all campaigns and channels; a system setting)");
    public static readonly UserText Save = new("保存草稿", "Save draft");
    public static readonly UserText Saved = new("已保存", "Saved");
    public static readonly UserText Invalid = new("活动设置有误，请按提示修改", "The campaign is not valid: see the notes");
    public static readonly UserText Conflict = new("该活动已被他人修改，请刷新后重试", "Someone changed this campaign meanwhile: reload and try again");
    public static readonly UserText WrongState = new("活动当前状态为{0}，不能执行此操作", "The campaign is {0}: this is not possible now");
    public static readonly UserText NotFound = new("没有这个活动", "No such campaign");
    public static readonly UserText NameRule = new("名称必填，最多 {0} 个字符，不含控制字符", "A name is required: at most {0} characters, no control characters");
    public static readonly UserText SegmentRule = new("必须指定一个已保存的分群", "Pick a saved segment");
    public static readonly UserText Locked = new("活动已开始，设置不可再修改", "The campaign has started: its settings are fixed");

    public static readonly UserText Preview = new("逐人预览", "Per-recipient preview");
    public static readonly UserText Recipient = new("收件客户", "Recipient");
    public static readonly UserText ShowPreview = new("预览", "Preview");
    public static readonly UserText Via = new("将通过{0}发送", "Goes out on {0}");
    public static readonly UserText HeldBecause = new("不会发送：{0}", "Not sent: {0}");
    public static readonly UserText SaveFirst = new("保存后可预览、试算和发送", "Save to preview, dry-run and send");

    public static readonly UserText DryRun = new("试算（不发送）", "Dry run (sends nothing)");
    public static readonly UserText DryRunTitle = new("试算结果：共 {0} 位客户", "Dry run: {0} customers");
    public static readonly UserText WouldSend = new("将发送", "Would send");
    public static readonly UserText HeldBack = new("不发送的原因", "Held back, by reason");
    public static readonly UserText QuietUntil = new("当前处于免打扰时段，{0} 后开始发送", "In quiet hours: sending starts after {0}");

    public static readonly UserText Actions = new("操作", "Actions");
    public static readonly UserText Start = new("立即开始", "Start now");
    public static readonly UserText Pause = new("暂停", "Pause");
    public static readonly UserText Resume = new("继续", "Resume");
    public static readonly UserText Cancel = new("取消活动", "Cancel campaign");
    public static readonly UserText ScheduleAt = new("定时发送（北京时间）", "Send at (China time)");
    public static readonly UserText Schedule = new("定时", "Schedule");
    public static readonly UserText LinksNeedAddress = new("消息含链接，但未配置对外地址（{0}），不能发送", "The messages carry links but no public address is set ({0}): they cannot go out");
    public static readonly UserText ByVariant = new("按版本", "By variant");
    public static readonly UserText ScheduleRule = new("请填写将来的时间", "Pick a time in the future");

    public static readonly UserText Progress = new("发送进度", "Progress");
    public static readonly UserText ProgressFigure = new("已处理 {0} / {1}", "{0} of {1} done");
    public static readonly UserText Report = new("活动报告", "Campaign report");
    public static readonly UserText Audience = new("目标人数", "Audience");
    public static readonly UserText Sent = new("已发送", "Sent");
    public static readonly UserText Failed = new("发送失败", "Failed");
    public static readonly UserText Held = new("未发送", "Held back");
    public static readonly UserText Pending = new("待发送", "Pending");
    public static readonly UserText InFlight = new("发送中", "In flight");
    public static readonly UserText Cancelled = new("已取消", "Cancelled");
    public static readonly UserText Clicked = new("点击", "Clicked");
    public static readonly UserText Unsubscribed = new("退订", "Unsubscribed");
    public static readonly UserText ByChannel = new("按渠道", "By channel");
    public static readonly UserText Count = new("人数", "Count");
    public static readonly UserText NotInReport = new("送达与回复尚未接入报告", "Delivered and replied are not in the report yet");
    public static readonly UserText Unnamed = new("未具名客户 {0}", "Unnamed customer {0}");

    public static readonly UserText Results = new("转化与收益（归因窗口 {0} 天）", "Conversions and returns (attribution window {0} days)");
    public static readonly UserText ResultsByChannel = new("转化 · 按渠道", "Conversions by channel");
    public static readonly UserText ResultsByVariant = new("转化 · 按版本与对照组", "Conversions by variant and holdout");
    public static readonly UserText NoResults = new("活动开始后才有转化数据", "Conversions are counted once the campaign has started");
    public static readonly UserText Converted = new("转化人数", "Converted");
    public static readonly UserText ConversionRate = new("转化率", "Conversion rate");
    public static readonly UserText Revenue = new("归因收入", "Attributed revenue");
    public static readonly UserText RevenueT1 = new("T+1 收入", "Revenue T+1");
    public static readonly UserText RevenueT2 = new("T+2 收入", "Revenue T+2");
    public static readonly UserText Cost = new("发送成本", "Cost");
    public static readonly UserText RoiT1 = new("ROI（T+1）", "ROI (T+1)");
    public static readonly UserText RoiT2 = new("ROI（T+2）", "ROI (T+2)");
    public static readonly UserText Uplift = new("相对对照组提升", "Uplift over holdout");
    public static readonly UserText HoldoutRate = new("对照组转化率", "Holdout conversion rate");
    public static readonly UserText NoCost = new("未设置单条成本，无法计算 ROI", "No per-message cost is set: no ROI");
    public static readonly UserText Group = new("分组", "Group");
    public static readonly UserText Recipients = new("人数", "Recipients");
    public static readonly UserText Variant = new("版本", "Variant");
    public static readonly UserText HoldoutGroup = new("对照组", "Holdout");

    public static readonly UserText Split = new("A/B 测试与对照组", "A/B test and holdout");
    public static readonly UserText Holdout = new("对照组比例（%，0–{0}，不发送，用于衡量效果）", "Holdout (% from 0 to {0}; gets nothing; measures the campaign)");
    public static readonly UserText AddVariant = new("添加版本", "Add variant");
    public static readonly UserText VariantName = new("版本名", "Variant name");
    public static readonly UserText Weight = new("权重", "Weight");
    public static readonly UserText VariantText = new("本版本内容（留空则用上面的内容）", "This variant's content (blank: the content above)");
    public static readonly UserText NoVariants = new("不做 A/B 测试：所有人收到相同内容", "No A/B test: everyone gets the same content");

    public static readonly Dictionary<string, UserText> Statuses = new(StringComparer.Ordinal)
    {
        ["draft"] = new("草稿", "draft"),
        ["scheduled"] = new("已定时", "scheduled"),
        ["running"] = new("发送中", "running"),
        ["paused"] = new("已暂停", "paused"),
        ["cancelled"] = new("已取消", "cancelled"),
        ["completed"] = new("已完成", "completed"),
    };

    public static readonly Dictionary<string, UserText> ChannelNames = new(StringComparer.Ordinal)
    {
        ["wechat"] = new("微信公众号", "WeChat"),
        ["wecom"] = new("企业微信", "WeCom"),
        ["sms"] = new("短信", "SMS"),
        ["email"] = new("邮件", "E-mail"),
    };

    public static readonly Dictionary<string, UserText> HoldReasons = new(StringComparer.Ordinal)
    {
        ["no-consent"] = new("未授权", "no consent"),
        ["unsubscribed"] = new("已退订", "unsubscribed"),
        ["unreachable"] = new("无可用联系方式", "unreachable"),
        ["outside-window"] = new("超出微信 48 小时窗口", "outside the WeChat 48-hour window"),
        ["frequency-cap"] = new("达到频次上限", "frequency cap"),
        ["quiet-hours"] = new("免打扰时段", "quiet hours"),
        ["gone"] = new("客户已合并", "merged away"),
    };

    public static readonly Dictionary<string, UserText> Problems = new(StringComparer.Ordinal)
    {
        ["required"] = new("必填", "required"),
        ["too-many"] = new("最多 4 个渠道", "at most 4 channels"),
        ["unknown-channel"] = new("渠道必须是微信、企业微信、短信或邮件", "channel must be wechat, wecom, sms or email"),
        ["duplicate-channel"] = new("每个渠道只能出现一次", "each channel at most once"),
        ["account"] = new("账号必填：字母、数字、- 或 _，最多 64 个字符", "account is required: letters, digits, '-' or '_', at most 64"),
        ["template-id"] = new("模板 ID 为 1–128 个字符", "the template id is 1–128 characters"),
        ["text"] = new("内容必填，不能超长", "content is required and within its length"),
        ["liquid"] = new("模板语法有误（Liquid）", "the Liquid template does not parse"),
        ["url"] = new("链接必须是 http(s) 绝对地址", "the link must be an absolute http(s) address"),
        ["time"] = new("时间格式为 HH:mm（北京时间）", "times are HH:mm (China time)"),
        ["holdout"] = new("对照组比例为 0–50（百分比）", "the holdout is a percentage from 0 to 50"),
        ["variant-count"] = new("A/B 测试需要 2–5 个版本", "an A/B test has 2 to 5 variants"),
        ["variant-name"] = new("版本名必填且唯一：字母、数字、- 或 _，最多 32 个字符，不能为 holdout", "a variant name is required and unique: letters, digits, '-' or '_', at most 32, not 'holdout'"),
        ["weight"] = new("权重为 1–100", "weight is 1 to 100"),
    };

    /// <summary>How a sample member is named in the recipient picker: the name and the contact as the sample shows them (masked for a marketer), never the customer id.</summary>
    public static string RecipientLabel(SegmentMember member, int position, Ui ui)
    {
        var contact = member.Phone ?? member.Email;
        return member.Name is { Length: > 0 } name
            ? contact is null ? name : $"{name} · {contact}"
            : contact ?? ui.Format(Unnamed, position);
    }

    public static string Of(Dictionary<string, UserText> names, string? key, string language) =>
        key is not null && names.TryGetValue(key, out var t) ? t.In(language) : key ?? "";
}
