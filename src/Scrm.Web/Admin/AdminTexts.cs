using Scrm.Platform.Text;

namespace Scrm.Web.Admin;

internal static class AdminTexts
{
    public static readonly UserText Sections = new("管理分区", "Admin sections");
    public static readonly UserText Users = new("用户", "Users");
    public static readonly UserText Keys = new("API 密钥", "API keys");
    public static readonly UserText Audit = new("审计日志", "Audit log");
    public static readonly UserText Journal = new("事件日志与消费进度", "Journal and consumers");
    public static readonly UserText LastPosition = new("最新位置", "Last position");
    public static readonly UserText Appended = new("已写入", "Appended");
    public static readonly UserText Duplicates = new("重复（已忽略）", "Duplicates (ignored)");
    public static readonly UserText Consumers = new("消费者", "Consumers");
    public static readonly UserText Consumer = new("消费者", "Consumer");
    public static readonly UserText Position = new("已处理到", "Position");
    public static readonly UserText Lag = new("落后条数", "Lag");
    public static readonly UserText DeadLetters = new("死信", "Dead letters");
    public static readonly UserText UpdatedAt = new("更新时间", "Updated");
    public static readonly UserText NewUser = new("新建用户", "New user");
    public static readonly UserText UserId = new("登录名（用户 ID）", "Login (user id)");
    public static readonly UserText DisplayName = new("显示名称", "Display name");
    public static readonly UserText Roles = new("角色", "Roles");
    public static readonly UserText Team = new("团队", "Team");
    public static readonly UserText NoTeam = new("（不加入团队）", "(no team)");
    public static readonly UserText Create = new("创建", "Create");
    public static readonly UserText Created = new("已创建用户 {0}", "User {0} created");
    public static readonly UserText OneTimePassword = new("{0} 的一次性密码（只显示这一次）：", "{0}'s one-time password (shown this once):");
    public static readonly UserText Active = new("在职", "Active");
    public static readonly UserText Inactive = new("已停用", "Deactivated");
    public static readonly UserText Status = new("状态", "Status");
    public static readonly UserText Teams = new("所属团队", "Teams");
    public static readonly UserText Actions = new("操作", "Actions");
    public static readonly UserText SaveRoles = new("保存 {0} 的角色", "Save {0}'s roles");
    public static readonly UserText SaveRolesShort = new("保存角色", "Save roles");
    public static readonly UserText RolesOf = new("{0} 的角色", "{0}'s roles");
    public static readonly UserText Saved = new("已保存", "Saved");
    public static readonly UserText Successor = new("{0} 的记录交给", "Hand {0}'s records to");
    public static readonly UserText Deactivate = new("停用", "Deactivate");
    public static readonly UserText DeactivateUser = new("停用 {0}", "Deactivate {0}");
    public static readonly UserText Deactivated = new("已停用 {0}，移交记录：{1}", "{0} deactivated; records handed over: {1}");
    public static readonly UserText HandoverContinues = new("已停用 {0}，已移交：{1}；其余记录的移交未完成，系统会在后台自动完成", "{0} deactivated; handed over so far: {1}; the rest is being handed over in the background");
    public static readonly UserText Reactivate = new("重新启用 {0}", "Reactivate {0}");
    public static readonly UserText Refused = new("未保存：{0}", "Not saved: {0}");
    public static readonly UserText NewKey = new("新建 API 密钥", "New API key");
    public static readonly UserText Owner = new("所属用户", "Owner");
    public static readonly UserText KeyName = new("密钥名称", "Key name");
    public static readonly UserText KeyShownOnce = new("新密钥（只显示这一次，请立即复制保存）：", "The new key (shown this once; copy it now):");
    public static readonly UserText KeyCreated = new("已创建密钥 {0}", "Key {0} created");
    public static readonly UserText CreatedAt = new("创建时间", "Created");
    public static readonly UserText LastUsed = new("最近使用", "Last used");
    public static readonly UserText Never = new("从未使用", "never");
    public static readonly UserText Revoked = new("已吊销", "Revoked");
    public static readonly UserText Revoke = new("吊销密钥 {0}", "Revoke key {0}");
    public static readonly UserText RevokeShort = new("吊销", "Revoke");
    public static readonly UserText RevokedKey = new("已吊销密钥 {0}，之后的请求将被拒绝", "Key {0} revoked: refused from the next request on");
    public static readonly UserText Id = new("ID", "Id");
    public static readonly UserText Name = new("名称", "Name");
    public static readonly UserText Actor = new("操作人", "Actor");
    public static readonly UserText Action = new("操作", "Action");
    public static readonly UserText Resource = new("对象类型", "Resource");
    public static readonly UserText ResourceId = new("对象 ID", "Resource id");
    public static readonly UserText Filter = new("筛选", "Filter");
    public static readonly UserText At = new("时间", "Time");
    public static readonly UserText Detail = new("详情", "Detail");
    public static readonly UserText More = new("加载更早的记录", "Load older entries");
    public static readonly UserText Nothing = new("没有记录", "No entries");
    public static readonly UserText PickRole = new("至少选择一个角色", "Pick at least one role");

    public static readonly IReadOnlyDictionary<string, UserText> RoleNames = new Dictionary<string, UserText>
    {
        ["admin"] = new("管理员", "Admin"),
        ["sales"] = new("销售", "Sales"),
        ["community"] = new("社群", "Community"),
        ["marketer"] = new("营销", "Marketer"),
        ["ingest"] = new("数据接入", "Ingest"),
    };

    public static string Role(string code, string language) => RoleNames.TryGetValue(code, out var text) ? text.In(language) : code;

    /// <summary>Validation problems as one line, the API's own words.</summary>
    public static string Problems(Scrm.Platform.Text.FieldErrors? errors, string language) =>
        errors is null ? "" : string.Join("; ", errors.ToDictionary(language).Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
}
