using Scrm.Platform.Text;

namespace Scrm.Web.Studio;

internal static class StudioTexts
{
    public static readonly UserText Workflows = new("流程", "Workflows");
    public static readonly UserText NoWorkflows = new("还没有流程", "No workflows yet");
    public static readonly UserText NewWorkflow = new("新建流程", "New workflow");
    public static readonly UserText NewId = new("新流程 ID（小写字母、数字、- _ .）", "New workflow id (lower-case letters, digits, - _ .)");
    public static readonly UserText Create = new("创建", "Create");
    public static readonly UserText Name = new("流程名称", "Workflow name");
    public static readonly UserText Palette = new("组件库（拖到画布上）", "Palette (drag onto the canvas)");
    public static readonly UserText Triggers = new("触发器", "Triggers");
    public static readonly UserText Activities = new("活动", "Activities");
    public static readonly UserText AddToCanvas = new("添加 {0}", "Add {0}");
    public static readonly UserText Canvas = new("流程画布", "Workflow canvas");
    public static readonly UserText Properties = new("属性", "Properties");
    public static readonly UserText PickNode = new("在画布上选择一个节点以编辑其输入", "Select a node on the canvas to edit its inputs");
    public static readonly UserText NodeId = new("节点 ID", "Node id");
    public static readonly UserText Label = new("显示名称", "Label");
    public static readonly UserText Required = new("必填", "required");
    public static readonly UserText Mode = new("写法", "Written as");
    public static readonly UserText RemoveNode = new("删除节点", "Remove node");
    public static readonly UserText Validate = new("校验", "Validate");
    public static readonly UserText SaveDraft = new("保存草稿", "Save draft");
    public static readonly UserText Publish = new("发布", "Publish");
    public static readonly UserText Valid = new("校验通过", "No problems found");
    public static readonly UserText Problems = new("{0} 个问题", "{0} problems");
    public static readonly UserText Saved = new("草稿已保存（第 {0} 版）", "Draft saved (version {0})");
    public static readonly UserText Published = new("已发布第 {0} 版", "Version {0} published");
    public static readonly UserText NothingToPublish = new("没有可发布的草稿，请先保存", "No draft to publish: save first");
    public static readonly UserText NotFound = new("没有这个流程", "No such workflow");
    public static readonly UserText State = new("第 {0} 版 · {1}", "Version {0} · {1}");
    public static readonly UserText Outcome = new("出口", "Outcome");
    public static readonly UserText BadJson = new("不是有效的 JSON：{0}", "Not valid JSON: {0}");

    public static readonly UserText Conflict = new("该流程在您打开后已被他人保存或发布，未保存。请重新打开后再修改。", "Someone saved or published this workflow after you opened it: nothing was saved. Open it again and redo the change.");
    public static readonly UserText Exists = new("ID 为“{0}”的流程已存在，未保存。请换一个 ID。", "A workflow with id '{0}' exists: nothing was saved. Choose another id.");
    public static readonly UserText NotSaved = new("有 {0} 个问题，未保存", "{0} problems: nothing was saved");
    public static readonly UserText Versions = new("版本历史", "Versions");
    public static readonly UserText Version = new("第 {0} 版", "Version {0}");
    public static readonly UserText Compare = new("比较", "Compare");
    public static readonly UserText From = new("从", "From");
    public static readonly UserText To = new("到", "To");
    public static readonly UserText NoDifference = new("两个版本没有差别", "The two versions are the same");
    public static readonly UserText Change = new("变化", "Change");
    public static readonly UserText Where = new("位置", "Where");
    public static readonly UserText Before = new("之前", "Before");
    public static readonly UserText After = new("之后", "After");
    public static readonly UserText DryRun = new("试运行（不产生任何实际操作）", "Dry run (no effects)");
    public static readonly UserText DryRunInput = new("输入记录（JSON，如一条线索或提及）", "Input record (JSON: a lead or a mention)");
    public static readonly UserText Trigger = new("入口", "Entry");
    public static readonly UserText AutoTrigger = new("按输入自动选择", "Chosen from the input");
    public static readonly UserText Run = new("试运行", "Dry-run");
    public static readonly UserText DryRunResult = new("结果：{0}，经过 {1} 个步骤（画布上已标出）", "Result: {0}, {1} steps (marked on the canvas)");
    public static readonly UserText Step = new("步骤", "Step");
    public static readonly UserText Activity = new("活动", "Activity");
    public static readonly UserText Result = new("出口", "Outcome");
    public static readonly UserText Status = new("状态", "Status");
    public static readonly UserText Incident = new("故障：{0}", "Fault: {0}");

    public static readonly Dictionary<string, UserText> Kinds = new(StringComparer.Ordinal)
    {
        [DefinitionDiff.Added] = new("新增", "added"),
        [DefinitionDiff.Removed] = new("删除", "removed"),
        [DefinitionDiff.Changed] = new("修改", "changed"),
        [DefinitionDiff.Moved] = new("移动", "moved"),
    };

    /// <summary>The activity types by their name in the product's languages; a type added later shows as its id.</summary>
    public static readonly Dictionary<string, UserText> TypeNames = new(StringComparer.Ordinal)
    {
        ["trigger.journal"] = new("收到新记录", "New record arrives"),
        ["trigger.event"] = new("收到事件", "Event arrives"),
        ["trigger.http"] = new("HTTP 调用", "HTTP call"),
        ["trigger.cron"] = new("定时触发", "On a schedule"),
        ["start"] = new("开始", "Start"),
        ["end"] = new("结束", "End"),
        ["if"] = new("条件判断", "If"),
        ["switch"] = new("多路分支", "Switch"),
        ["fork"] = new("并行分支", "Fork"),
        ["join"] = new("汇合", "Join"),
        ["forEach"] = new("逐个处理", "For each"),
        ["delay"] = new("等待一段时间", "Delay"),
        ["waitUntil"] = new("等到指定时间", "Wait until"),
        ["waitForEvent"] = new("等待事件", "Wait for event"),
        ["setVariable"] = new("设置变量", "Set variable"),
        ["script"] = new("脚本", "Script"),
        ["log"] = new("记录日志", "Log"),
        ["http.request"] = new("HTTP 请求", "HTTP request"),
        ["runWorkflow"] = new("运行子流程", "Run workflow"),
        ["lead.create"] = new("创建线索", "Create lead"),
        ["lead.route"] = new("分配线索", "Route lead"),
        ["lead.escalate"] = new("升级给主管", "Escalate lead"),
        ["community.classify"] = new("消息分类", "Classify message"),
        ["community.assign"] = new("分配会话", "Assign conversation"),
        ["community.reply"] = new("自动回复", "Reply"),
        ["community.escalate"] = new("会话升级", "Escalate conversation"),
        ["community.lead"] = new("转为线索", "Turn into lead"),
        ["community.survey"] = new("满意度调查", "Satisfaction survey"),
        ["community.waitForReply"] = new("等待回复", "Wait for reply"),
    };

    /// <summary>Instance and step statuses (camel-case, as the API writes them).</summary>
    public static readonly Dictionary<string, UserText> RunStatuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["running"] = new("运行中", "running"),
        ["suspended"] = new("等待中（已暂停在等待步骤）", "waiting (suspended at a wait)"),
        ["finished"] = new("已完成", "finished"),
        ["faulted"] = new("出错", "faulted"),
        ["cancelled"] = new("已取消", "cancelled"),
        ["completed"] = new("已完成", "completed"),
        ["waiting"] = new("等待中", "waiting"),
    };

    public static string RunStatus(string status, string language) => RunStatuses.TryGetValue(status, out var t) ? t.In(language) : status;

    public static string TypeName(string type, string language) => TypeNames.TryGetValue(type, out var t) ? t.In(language) : type;

    public static readonly Dictionary<string, UserText> States = new(StringComparer.Ordinal)
    {
        ["draft"] = new("草稿", "draft"),
        ["published"] = new("已发布", "published"),
        ["retired"] = new("已停用", "retired"),
    };

    public static readonly Dictionary<InputMode, UserText> Modes = new()
    {
        [InputMode.Text] = new("文本", "text"),
        [InputMode.Json] = new("JSON 值", "JSON value"),
        [InputMode.Js] = new("JavaScript 表达式", "JavaScript expression"),
        [InputMode.Var] = new("变量", "variable"),
        [InputMode.Template] = new("模板", "template"),
    };
}
