using Scrm.Platform.Text;

namespace Scrm.Web.Community;

internal static class CommunityTexts
{
    public static readonly UserText Inbox = new("收件箱", "Inbox");
    public static readonly UserText Filters = new("筛选", "Filters");
    public static readonly UserText Assignee = new("负责人", "Assignee");
    public static readonly UserText Anyone = new("全部", "Anyone");
    public static readonly UserText Mine = new("我的", "Mine");
    public static readonly UserText Unassigned = new("未分配", "Unassigned");
    public static readonly UserText Status = new("状态", "Status");
    public static readonly UserText Intent = new("意图", "Intent");
    public static readonly UserText Channel = new("渠道", "Channel");
    public static readonly UserText Any = new("不限", "Any");
    public static readonly UserText BreachingOnly = new("只看已超时", "Breaching only");
    public static readonly UserText NoConversations = new("没有符合条件的会话", "No conversations match");
    public static readonly UserText Pick = new("从左侧选择一个会话", "Pick a conversation on the left");
    public static readonly UserText Customer = new("客户", "Customer");
    public static readonly UserText NoCustomer = new("尚未识别客户", "The customer is not identified yet");
    public static readonly UserText Masked = new("敏感信息已按您的角色隐藏", "Protected fields are masked for your role");
    public static readonly UserText Name = new("姓名", "Name");
    public static readonly UserText Nickname = new("昵称", "Nickname");
    public static readonly UserText Company = new("公司", "Company");
    public static readonly UserText Phone = new("电话", "Phone");
    public static readonly UserText Email = new("邮箱", "E-mail");
    public static readonly UserText Owner = new("客户负责人", "Owner");
    public static readonly UserText Tier = new("价值等级", "Value tier");
    public static readonly UserText Region = new("地区", "Region");
    public static readonly UserText Open360 = new("客户 360° 视图", "Customer 360° view");
    public static readonly UserText Messages = new("消息", "Messages");
    public static readonly UserText FromCustomer = new("客户", "Customer");
    public static readonly UserText Note = new("内部备注", "Internal note");
    public static readonly UserText CorrectIntent = new("更正意图（当前：{0}）", "Correct the intent (now: {0})");
    public static readonly UserText CorrectTo = new("更正为{0}", "Correct to {0}");
    public static readonly UserText Corrected = new("已更正为{0}", "Corrected to {0}");
    public static readonly UserText Reply = new("回复", "Reply");
    public static readonly UserText ReplyText = new("回复内容", "Reply");
    public static readonly UserText Send = new("发送回复", "Send reply");
    public static readonly UserText Sent = new("回复已发送", "Reply sent");
    public static readonly UserText WindowOpen = new("微信 48 小时回复窗口：{0}", "WeChat 48-hour reply window: {0}");
    public static readonly UserText WindowClosed = new("微信 48 小时回复窗口已于 {0:yyyy-MM-dd HH:mm} UTC 关闭，只能发送模板消息", "WeChat's 48-hour reply window closed at {0:yyyy-MM-dd HH:mm} UTC: only a template message may be sent");
    public static readonly UserText TemplateId = new("模板 ID", "Template id");
    public static readonly UserText TemplateText = new("模板内容（first 字段）", "Template text (first field)");
    public static readonly UserText SendTemplate = new("发送模板消息", "Send template message");
    public static readonly UserText AddNote = new("添加内部备注", "Add internal note");
    public static readonly UserText NoteText = new("备注内容（不会发送给客户）", "Note (never sent to the customer)");
    public static readonly UserText NoteAdded = new("已添加备注", "Note added");
    public static readonly UserText Resolve = new("标记为已解决", "Resolve");
    public static readonly UserText Reopen = new("重新打开", "Reopen");
    public static readonly UserText TakeOver = new("由我接手", "Take over");
    public static readonly UserText AssignTo = new("转交给（客服 ID）", "Hand to (agent id)");
    public static readonly UserText Assign = new("转交", "Hand over");
    public static readonly UserText Done = new("已保存", "Saved");
    public static readonly UserText Conflict = new("会话已被他人更改，已显示最新内容，请重试", "The conversation changed meanwhile; it now shows the latest, try again");
    public static readonly UserText Forbidden = new("只有当前负责人、其组长或管理员可以转交此会话", "Only the assignee, their team lead or an admin may hand this conversation on");
    public static readonly UserText UnknownAgent = new("{0} 不是可以接待会话的客服", "{0} is not an agent who can take conversations");
    public static readonly UserText Gone = new("会话不存在，或您无权查看", "The conversation is gone or not yours to see");
    public static readonly UserText ReplyFailed = new("回复未发送：{0}", "The reply was not sent: {0}");
    public static readonly UserText TooLong = new("内容为 1 到 2000 个字符", "1 to 2,000 characters");
    public static readonly UserText Breaching = new("已超时", "Breaching");
    public static readonly UserText AssignedTo = new("负责人：{0}", "Assignee: {0}");
    public static readonly UserText Nobody = new("未分配", "unassigned");

    public static string IntentName(string? code, string language) => Show(code, language, IntentNames);

    public static string StatusName(string? code, string language) => Show(code, language, StatusNames);

    public static string ChannelName(string? code, string language) => Show(code, language, ChannelNames);

    private static string Show(string? code, string language, IReadOnlyDictionary<string, UserText> names) =>
        code is null ? "" : names.TryGetValue(code, out var text) ? text.In(language) : code;

    public static readonly IReadOnlyDictionary<string, UserText> IntentNames = new Dictionary<string, UserText>
    {
        ["complaint"] = new("投诉", "Complaint"),
        ["question"] = new("咨询", "Question"),
        ["praise"] = new("表扬", "Praise"),
        ["purchase"] = new("购买意向", "Purchase"),
        ["spam"] = new("垃圾信息", "Spam"),
        ["other"] = new("其他", "Other"),
    };

    public static readonly IReadOnlyDictionary<string, UserText> StatusNames = new Dictionary<string, UserText>
    {
        ["open"] = new("待回复", "Open"),
        ["pending"] = new("待客户回复", "Pending"),
        ["resolved"] = new("已解决", "Resolved"),
    };

    public static readonly IReadOnlyDictionary<string, UserText> ChannelNames = new Dictionary<string, UserText>
    {
        ["wechat"] = new("微信", "WeChat"),
        ["wecom"] = new("企业微信", "WeCom"),
        ["weibo"] = new("微博", "Weibo"),
    };
}
