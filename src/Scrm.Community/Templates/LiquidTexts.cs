using System.Text.RegularExpressions;
using Scrm.Platform.Text;

namespace Scrm.Community.Templates;

/// <summary>
/// Why a Liquid template is refused, in both languages. The template engine explains in English; the
/// Chinese text names the same place and the same tag, variable or filter in words a community manager
/// reads. A reason it does not know is called a syntax error at its place.
/// </summary>
internal static partial class LiquidTexts
{
    public static readonly UserText TooLong = new("渲染后超过 {0} 个字符", "renders more than {0} characters");

    private static readonly (Regex Pattern, string Chinese)[] Reasons =
    [
        (UndefinedVariable(), "变量 {0} 不存在（可用 customer、conversation、order、rep 下的字段）"),
        (UndefinedFilter(), "过滤器 {0} 不存在"),
        (EndExpected(), "缺少结束标签 {{% end{0} %}}"),
        (InvalidTag(), "{{% {0} %}} 标签写法有误"),
        (TagEndExpected(), "标签缺少结尾 {0}"),
        (FilterNameExpected(), "“|”之后需要过滤器名"),
        (ValueExpected(), "此处需要一个值"),
        (TrailingInput(), "有多余的内容"),
        (Limit(), "运行超出限制（步数、输出长度、集合大小或嵌套层数）"),
    ];

    /// <summary>The engine's <paramref name="reason"/> as a text in both languages (the English keeps it as written).</summary>
    public static UserText Reason(string reason)
    {
        var place = Place().Match(reason);
        var where = place.Success ? $"第 {place.Groups[1].Value} 行第 {place.Groups[2].Value} 列：" : "";
        foreach (var (pattern, chinese) in Reasons)
        {
            var match = pattern.Match(reason);
            if (match.Success)
            {
                var named = match.Groups.Count > 1 ? match.Groups[1].Value : "";
                return UserText.Plain(where + string.Format(System.Globalization.CultureInfo.InvariantCulture, chinese, named), reason);
            }
        }

        return UserText.Plain(where + "语法有误", reason);
    }

    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex Place();

    [GeneratedRegex(@"Undefined variable '([^']*)'")]
    private static partial Regex UndefinedVariable();

    [GeneratedRegex(@"Undefined filter '([^']*)'")]
    private static partial Regex UndefinedFilter();

    [GeneratedRegex(@"'\{% end(\w+) %\}' was expected")]
    private static partial Regex EndExpected();

    [GeneratedRegex(@"Invalid '(\w+)' tag")]
    private static partial Regex InvalidTag();

    [GeneratedRegex(@"End of tag '([^']*)' was expected")]
    private static partial Regex TagEndExpected();

    [GeneratedRegex(@"identifier was expected after the '\|' sign")]
    private static partial Regex FilterNameExpected();

    [GeneratedRegex(@"A value was expected")]
    private static partial Regex ValueExpected();

    [GeneratedRegex(@"Unexpected trailing input")]
    private static partial Regex TrailingInput();

    [GeneratedRegex(@"maximum")]
    private static partial Regex Limit();
}
