using Scrm.Platform.Text;

namespace Scrm.Web.Marketing;

internal static class MarketingTexts
{
    public static readonly UserText Sections = new("营销功能", "Marketing sections");
    public static readonly UserText Overview = new("概览", "Overview");
    public static readonly UserText Segments = new("客户分群", "Segments");
    public static readonly UserText Campaigns = new("营销活动", "Campaigns");
    public static readonly UserText Workflows = new("流程设计", "Workflows");

    public static readonly UserText NewSegment = new("新建分群", "New segment");
    public static readonly UserText SavedSegments = new("已保存的分群", "Saved segments");
    public static readonly UserText NoSegments = new("还没有保存的分群", "No saved segments yet");
    public static readonly UserText SegmentName = new("分群名称", "Segment name");
    public static readonly UserText Description = new("说明", "Description");
    public static readonly UserText Save = new("保存", "Save");
    public static readonly UserText Saved = new("已保存", "Saved");
    public static readonly UserText Export = new("导出 CSV", "Export CSV");
    public static readonly UserText NameRule = new("名称必填，最多 {0} 个字符，不含控制字符", "A name is required: at most {0} characters, no control characters");
    public static readonly UserText Conflict = new("该分群已被他人修改，请刷新后重试", "Someone changed this segment meanwhile: reload and try again");
    public static readonly UserText RuleInvalid = new("分群规则有误，请按提示修改", "The rule is not valid: see the notes on the conditions");
    public static readonly UserText Rules = new("分群规则", "Rule");
    public static readonly UserText Match = new("组合方式", "Combine with");
    public static readonly UserText AllOf = new("全部满足（AND）", "All of (AND)");
    public static readonly UserText AnyOf = new("任一满足（OR）", "Any of (OR)");
    public static readonly UserText Exclude = new("排除（NOT）", "Exclude (NOT)");
    public static readonly UserText AddCondition = new("添加条件", "Add condition");
    public static readonly UserText AddGroup = new("添加条件组", "Add group");
    public static readonly UserText Remove = new("删除", "Remove");
    public static readonly UserText RemoveGroup = new("删除条件组", "Remove group");
    public static readonly UserText Fact = new("客户属性", "Fact");
    public static readonly UserText Operator = new("运算", "Operator");
    public static readonly UserText Values = new("取值（逗号分隔）", "Values (comma-separated)");
    public static readonly UserText Value = new("数值", "Value");
    public static readonly UserText Min = new("最小值", "Minimum");
    public static readonly UserText Max = new("最大值", "Maximum");
    public static readonly UserText Days = new("天数", "Days");
    public static readonly UserText Date = new("日期（yyyy-MM-dd）", "Date (yyyy-MM-dd)");
    public static readonly UserText EmptyGroup = new("空的“全部满足”组包含所有客户；空的“任一满足”组不包含任何客户", "An empty AND group holds everyone; an empty OR group holds no one");
    public static readonly UserText LiveCount = new("符合条件的客户", "Matching customers");
    public static readonly UserText OfCustomers = new("{0} / {1} 位客户", "{0} of {1} customers");
    public static readonly UserText Counting = new("正在计算…", "Counting…");
    public static readonly UserText NotReady = new("客户分群索引正在加载，请稍后", "The segment index is still loading");
    public static readonly UserText Sample = new("成员示例", "Sample of members");
    public static readonly UserText SampleMasked = new("敏感信息已按您的角色隐藏", "Protected fields are masked for your role");
    public static readonly UserText NoMembers = new("没有符合条件的客户", "No customer matches");
    public static readonly UserText Json = new("规则 JSON（与 API 相同）", "Rule JSON (as the API takes it)");
    public static readonly UserText Name = new("姓名", "Name");
    public static readonly UserText Phone = new("电话", "Phone");
    public static readonly UserText Email = new("邮箱", "E-mail");
    public static readonly UserText Owner = new("负责人", "Owner");
    public static readonly UserText Tier = new("价值等级", "Tier");
    public static readonly UserText Region = new("地区", "Region");
    public static readonly UserText NotFound = new("没有这个分群", "No such segment");

    private static readonly Dictionary<string, UserText> FactNames = new(StringComparer.Ordinal)
    {
        ["tier"] = new("价值等级", "Value tier"),
        ["province"] = new("省份", "Province"),
        ["city"] = new("城市", "City"),
        ["source"] = new("首次来源", "First source"),
        ["owner"] = new("负责人", "Owner"),
        ["team"] = new("负责团队", "Owner's team"),
        ["tags"] = new("标签", "Tags"),
        ["identities"] = new("已有身份", "Identities"),
        ["consent"] = new("已授权渠道", "Channels with consent"),
        ["orderCount"] = new("订单数", "Order count"),
        ["orderAmount"] = new("订单金额（元）", "Order amount (yuan)"),
        ["rfm.r"] = new("RFM·最近购买分（R）", "RFM recency (R)"),
        ["rfm.f"] = new("RFM·购买频次分（F）", "RFM frequency (F)"),
        ["rfm.m"] = new("RFM·消费金额分（M）", "RFM monetary (M)"),
        ["lastOrderAt"] = new("最近下单", "Last order"),
        ["lastContactAt"] = new("最近销售联系", "Last sales contact"),
        ["lastInboundAt"] = new("最近互动", "Last inbound message"),
        ["createdAt"] = new("建档时间", "Created"),
    };

    private static readonly Dictionary<string, UserText> OpNames = new(StringComparer.Ordinal)
    {
        ["in"] = new("属于", "is one of"),
        ["notIn"] = new("不属于", "is none of"),
        ["exists"] = new("已填写", "is set"),
        ["missing"] = new("未填写", "is not set"),
        ["hasAny"] = new("包含任一", "has any of"),
        ["hasAll"] = new("全部包含", "has all of"),
        ["hasNone"] = new("都不包含", "has none of"),
        ["eq"] = new("等于", "equals"),
        ["gte"] = new("不少于", "at least"),
        ["lte"] = new("不多于", "at most"),
        ["between"] = new("介于", "between"),
        ["within"] = new("最近 N 天内", "within the last N days"),
        ["notWithin"] = new("超过 N 天", "more than N days ago"),
        ["before"] = new("早于", "before"),
        ["after"] = new("不早于", "on or after"),
    };

    /// <summary>A fact's name in the language; a fact the schema adds later shows as its JSON name.</summary>
    public static string FactName(string fact, string language) => FactNames.TryGetValue(fact, out var t) ? t.In(language) : fact;

    public static string OpName(string op, string language) => OpNames.TryGetValue(op, out var t) ? t.In(language) : op;
}
