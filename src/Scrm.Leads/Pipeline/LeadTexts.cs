using Scrm.Platform.Text;

namespace Scrm.Leads.Pipeline;

/// <summary>What the leads module tells people, in Chinese and English (<see cref="LeadsOptions.Language"/> for notifications, the request's language for answers).</summary>
internal static class LeadTexts
{
    public static readonly UserText NewLead = new("新{1}线索 #{0}：{2}", "New {1}lead #{0}: {2}");
    public static readonly UserText Hot = new("热", "hot ");
    public static readonly UserText BigDeal = new("大单：线索 #{0} 预计金额 {1}（负责人 {2}）", "Big deal: lead #{0} expects {1} (owner {2})");
    public static readonly UserText Handover = new("{1} 移交给你 {0} 条线索", "{0} lead(s) handed over from {1}");
    public static readonly UserText Reminder = new("请跟进线索 #{0}：{1}", "Follow up lead #{0}: {1}");
    public static readonly UserText Overdue = new("线索 #{0} 的跟进已逾期（负责人 {1}）：{2}", "Overdue follow-up on lead #{0} (owner {1}): {2}");
    public static readonly UserText Pooled = new("线索 #{0} 无人联系，已退回公海", "Lead #{0} went back to the shared pool: nobody contacted it");
    public static readonly UserText AtCapacity = new("线索 #{0} 已进入公海：团队 {1} 的 {2} 已达到未结线索上限", "Lead #{0} went to the shared pool: in team {1}, {2} hold their capacity of open leads");
    public static readonly UserText Escalation = new("线索 #{0}（负责人 {1}）：{2}", "Lead #{0} (owner {1}): {2}");

    public static readonly UserText NotYours = new("该线索归 {0} 所有：只有负责人、其团队主管或管理员可以修改。",
        "This lead is owned by {0}: only the owner, their team lead or an admin may change it.");
    public static readonly UserText Unowned = new("该线索还没有负责人：请先从公海认领。", "Nobody owns this lead yet: claim it from the shared pool first.");
    public static readonly UserText NotInPool = new("该线索不在公海中（已被认领、已有负责人或已关闭）。", "The lead is not in the shared pool (someone claimed it, or it is owned or closed).");
    public static readonly UserText StageRefused = new("线索不能转到{0}：{1}。", "The lead cannot move to {0}: {1}.");
    public static readonly UserText UnknownRep = new("“{0}”不是已知的销售：请使用已配置团队中的销售或销售角色密钥的名称。",
        "'{0}' is not a known rep: name a rep of a configured team or the name of a sales key.");
}
