using Scrm.Platform.Text;

namespace Scrm.Web.Sales;

internal static class SalesTexts
{
    public static readonly UserText MyLeads = new("我的线索", "My leads");
    public static readonly UserText Pool = new("公海线索", "Shared pool");
    public static readonly UserText Claim = new("领取", "Claim");
    public static readonly UserText ClaimLead = new("领取线索 {0}", "Claim lead {0}");
    public static readonly UserText Claimed = new("已领取线索 {0}", "Lead {0} is yours");
    public static readonly UserText ClaimGone = new("线索已不在公海中", "The lead is no longer in the pool");
    public static readonly UserText NoLeads = new("暂无线索", "No leads");
    public static readonly UserText Hot = new("热", "Hot");
    public static readonly UserText Pick = new("从左侧选择一条线索", "Pick a lead on the left");
    public static readonly UserText MoveTo = new("转为{0}", "Move to {0}");
    public static readonly UserText Missing = new("转为{0}还需：", "Still needed for {0}:");
    public static readonly UserText Moved = new("线索已转为{0}", "The lead is now at {0}");
    public static readonly UserText Refused = new("未能转为{0}：{1}", "Could not move to {0}: {1}");
    public static readonly UserText NotYours = new("这条线索不归您处理", "This lead is not yours to change");
    public static readonly UserText Stage = new("阶段", "Stage");
    public static readonly UserText Owner = new("负责人", "Owner");
    public static readonly UserText Team = new("团队", "Team");
    public static readonly UserText Phone = new("电话", "Phone");
    public static readonly UserText Email = new("邮箱", "E-mail");
    public static readonly UserText Company = new("公司", "Company");
    public static readonly UserText Channel = new("来源渠道", "Channel");
    public static readonly UserText Score = new("评分", "Score");
    public static readonly UserText Message = new("留言", "Message");
    public static readonly UserText NextFollowUp = new("下次跟进", "Next follow-up");
    public static readonly UserText LogContact = new("记录跟进", "Log a follow-up");
    public static readonly UserText ContactKind = new("跟进方式", "How");
    public static readonly UserText Outcome = new("跟进结果", "Outcome");
    public static readonly UserText Save = new("保存", "Save");
    public static readonly UserText Logged = new("已记录跟进", "Follow-up logged");
    public static readonly UserText Details = new("需求与金额", "Need and amount");
    public static readonly UserText Need = new("客户需求", "Customer's need");
    public static readonly UserText Amount = new("预计金额（元）", "Expected amount (CNY)");
    public static readonly UserText ExpectedClose = new("预计成交日期", "Expected close date");
    public static readonly UserText Updated = new("已保存", "Saved");
    public static readonly UserText Invalid = new("金额不能为负；需求最多 2000 字", "amount must not be negative; need at most 2000 characters");
    public static readonly UserText FollowUps = new("跟进计划", "Follow-up plan");
    public static readonly UserText History = new("阶段记录", "Stage history");
    public static readonly UserText Customer = new("客户 360° 视图", "Customer 360° view");
    public static readonly UserText NewLead = new("新线索：{0}", "New lead: {0}");
    public static readonly UserText Funnel = new("我的漏斗（最近 200 条线索）", "My funnel (latest 200 leads)");
    public static readonly UserText Conversion = new("（转化 {0}%）", " ({0}% converted)");
    public static readonly UserText Done = new("已完成", "done");
}
