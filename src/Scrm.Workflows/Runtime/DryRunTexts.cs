using Scrm.Platform.Text;

namespace Scrm.Workflows.Runtime;

/// <summary>Why a dry run was refused, in both languages.</summary>
internal static class DryRunTexts
{
    public static readonly UserText NoSuchTrigger = new("工作流没有触发器“{0}”；它有：{1}。", "The workflow has no trigger '{0}'; it has: {1}.");

    public static readonly UserText NoTrigger = new("工作流没有可进入的触发器。", "The workflow has no trigger to enter at.");

    public static readonly UserText NeedsRecord = new(
        "触发器“{0}”（{1}）要把一条记录交给后续活动：请在请求体中给试运行一条记录，例如一条日志项 {2}。",
        "Trigger '{0}' ({1}) hands its activities a record: give the dry run one as the body, e.g. a journal item {2}.");

    public const string SampleRecord = """{"kind":"lead","channel":"web","position":1,"payload":{"name":"王小明","phone":{"raw":"13800138000","e164":"+8613800138000"}}}""";
}
