using Scrm.Platform.Text;

namespace Scrm.Customers;

/// <summary>What the customer module says to people, in Chinese first and English second.</summary>
internal static class CustomerTexts
{
    public static readonly UserText NotAnObject = new("必须是 JSON 对象", "must be a JSON object");
    public static readonly UserText NotAField = new("不是客户的字段", "is not a field of a customer");
    public static readonly UserText TextField = new("必须是不超过 {0} 个字符的非空字符串，或 null", "must be a non-empty string of at most {0} characters, or null");
    public static readonly UserText OwnerChange = new("只有管理员可以改派客户；销售只能领取无负责人的客户", "only an admin reassigns a customer; a rep may only take an unowned customer");
    public static readonly UserText Tag = new("必须是 1–64 个可见字符", "must be 1–64 visible characters");
    public static readonly UserText CustomFields = new("必须是字符串组成的对象（null 表示删除该字段）", "must be an object of strings (null removes a field)");
    public static readonly UserText CustomField = new("必须是不超过 1000 个字符的字符串或 null（字段名不超过 64 个字符，最多 50 个字段）", "must be a string of at most 1000 characters or null (names up to 64 characters, 50 fields)");

    public static readonly UserText MapTooLarge = new("决策地图最多 {0} 人", "a decision map holds at most {0} people");
    public static readonly UserText MapKey = new("缺失或重复", "is missing or not unique");
    public static readonly UserText MapName = new("必填（不超过 200 个字符）", "is required (at most 200 characters)");
    public static readonly UserText MapRole = new("必须是以下之一：{0}", "must be one of: {0}");
    public static readonly UserText MapInfluence = new("必须是 1（无影响）到 5（拍板）", "must be 1 (none) to 5 (decides)");
    public static readonly UserText MapNobody = new("指向的人不在此决策地图中", "names nobody in this map");
    public static readonly UserText MapCycle = new("形成了汇报循环", "makes a reporting cycle");

    public static readonly UserText ListLimit = new("必须为 1–200（q 不超过 200 个字符）", "must be 1–200 (q at most 200 characters)");
    public static readonly UserText TimelineLimit = new("必须为 1–200", "must be 1–200");
    public static readonly UserText JsonBody = new("请求正文必须是 application/json。", "The request body must be application/json.");
    public static readonly UserText RevealReason = new("查看完整信息需要填写原因（不超过 500 个字符）", "revealing needs a reason (at most 500 characters)");
    public static readonly UserText MergeIds = new("survivorId 和 mergedId 均为必填", "survivorId and mergedId are required");
    public static readonly UserText MergeReason = new("合并需要填写原因（不超过 500 个字符）", "a merge needs a reason (at most 500 characters)");
    public static readonly UserText UnmergeReason = new("撤销合并需要填写原因（不超过 500 个字符）", "an unmerge needs a reason (at most 500 characters)");
    public static readonly UserText Invalid = new("请求中有字段无效。", "One or more fields are not valid.");

    public static readonly UserText OrderId = new("必填：不超过 128 个字符，不含空格", "is required: at most 128 characters without spaces");
    public static readonly UserText OrderAmount = new("必填：0 到 1,000,000,000，最多两位小数", "is required: 0 to 1,000,000,000 with at most two decimals");
    public static readonly UserText OrderCurrency = new("必须是 ISO 4217 币种代码，例如 CNY", "must be an ISO 4217 code such as CNY");
    public static readonly UserText OrderChannel = new("必填（不超过 64 个字符）", "is required (at most 64 characters)");
    public static readonly UserText Required = new("必填", "is required");
    public static readonly UserText OrderCustomer = new("订单需要 customerId，或能识别客户的手机号、邮箱或 crmId", "an order needs customerId, or a mobile number, e-mail address or crmId that identifies the customer");
    public static readonly UserText OrderUnknownCustomer = new("没有这个客户", "names no customer");
    public static readonly UserText OrderProducts = new("每个订单最多 200 个商品", "at most 200 products per order");
    public static readonly UserText OrderProduct = new("需要商品（不超过 128 个字符）、从 1 起的数量和非负金额", "needs a product (at most 128 characters), a quantity from 1 and a non-negative amount");
    public static readonly UserText OrderBody = new("请求正文必须是一个订单对象或订单数组。", "The body must be an order object or an array of orders.");
    public static readonly UserText OrderCount = new("每次请求发送 1 到 {0} 个订单。", "Send 1 to {0} orders per request.");
    public static readonly UserText OrderTypes = new("订单中有字段类型错误（金额为数字，时间为 ISO 8601，编号为字符串）。", "An order has a field of the wrong type (amounts are numbers, times ISO 8601, ids strings).");
    public static readonly UserText OrderConflict = new("订单 {0} 之前已以不同内容记录。", "Order {0} was recorded before with other contents.");
    public static readonly UserText OrderRecordedBefore = new("之前已以不同内容记录", "was recorded before with other contents");

    public static readonly UserText RowNeedsKey = new("客户行需要手机号、邮箱或 crm_id", "a customer row needs a mobile number, an e-mail address or a crm_id");
}
