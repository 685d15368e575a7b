using Scrm.Platform.Text;

namespace Scrm.Web.Customers;

internal static class CustomerTexts
{
    public static readonly UserText Title = new("客户 360° 视图", "Customer 360° view");
    public static readonly UserText Masked = new("受保护字段已按您的角色脱敏显示", "Protected fields are masked for your role");
    public static readonly UserText Region = new("地区", "Region");
    public static readonly UserText Tier = new("价值等级", "Value tier");
    public static readonly UserText Identities = new("身份", "Identities");
    public static readonly UserText Tags = new("标签", "Tags");
    public static readonly UserText Timeline = new("时间线", "Timeline");
    public static readonly UserText DecisionMap = new("决策链", "Decision map");
}
