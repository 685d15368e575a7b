using Scrm.Platform.Text;

namespace Scrm.Leads.Funnel;

/// <summary>One entry of a configurable list (loss reasons, contact kinds): its name, what is stored and shown, and the other names it is known by.</summary>
public sealed class TermOptions
{
    public string Name { get; set; } = "";

    /// <summary>Other names accepted for it (the English ones by default), in any case.</summary>
    public List<string> Aliases { get; set; } = [];
}

/// <summary>The lists sales work with, Chinese first with English aliases, and how a given word is found in them. Pure.</summary>
public static class Terms
{
    public static List<TermOptions> DefaultLossReasons() =>
    [
        Term("预算不足", "no budget"),
        Term("没有需求", "no need", "无需求"),
        Term("选择了竞争对手", "chose a competitor", "选择竞品", "competitor"),
        Term("联系不上", "no response"),
        Term("重复线索", "duplicate"),
        Term("无效信息", "spam"),
    ];

    public static List<TermOptions> DefaultContactKinds() =>
    [
        Term("电话", "phone", "call"),
        Term("邮件", "email", "e-mail"),
        Term("拜访", "visit"),
        Term("微信", "wechat"),
        Term("企业微信", "wecom"),
        Term("短信", "sms"),
        Term("其他", "other"),
    ];

    /// <summary>The list entry's name for <paramref name="word"/> (its name or an alias, case and surrounding spaces ignored), or null.</summary>
    public static string? Find(IEnumerable<TermOptions> terms, string? word)
    {
        var text = word?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return terms.FirstOrDefault(t => string.Equals(t.Name, text, StringComparison.OrdinalIgnoreCase)
                                         || t.Aliases.Any(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase)))?.Name;
    }

    /// <summary>The names, for messages that list what is accepted: the names in Chinese, the first aliases in English.</summary>
    public static string Names(IEnumerable<TermOptions> terms, string language) => language == Languages.English
        ? string.Join(", ", terms.Select(t => t.Aliases.FirstOrDefault() ?? t.Name))
        : string.Join("、", terms.Select(t => t.Name));

    private static TermOptions Term(string name, params string[] aliases) => new() { Name = name, Aliases = [.. aliases] };
}
