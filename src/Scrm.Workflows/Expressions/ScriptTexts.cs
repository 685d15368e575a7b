using System.Text.RegularExpressions;
using Scrm.Platform.Text;

namespace Scrm.Workflows.Expressions;

/// <summary>
/// Why an expression failed, in both languages. The JavaScript parser and engine explain in English; the
/// Chinese text gives the same place and names the same token or variable. A message the engine did not
/// write (an author's own <c>throw</c>) is repeated as it is in both.
/// </summary>
internal static partial class ScriptTexts
{
    public static readonly UserText TooLong = new("脚本有 {0:N0} 个字符；最多允许 {1:N0} 个。", "The script is {0:N0} characters; at most {1:N0} are allowed.");
    public static readonly UserText DoesNotParse = new("脚本第 {0} 行第 {1} 列无法解析：{2}", "The script does not parse: {2} (line {0}, column {1}).");
    public static readonly UserText Threw = new("表达式出错：{0}", "The expression threw: {0}");
    public static readonly UserText TimeLimit = new("表达式运行超过了时间限制。", "The expression ran past its time limit.");
    public static readonly UserText Statements = new("表达式执行的语句过多（是否有死循环？）。", "The expression ran too many statements (a runaway loop?).");
    public static readonly UserText Memory = new("表达式使用的内存超过了限制。", "The expression used more memory than allowed.");
    public static readonly UserText Recursion = new("表达式递归过深。", "The expression recursed too deeply.");
    public static readonly UserText Cancelled = new("表达式已取消。", "The expression was cancelled.");
    public static readonly UserText Failed = new("表达式执行失败：{0}", "The expression failed: {0}");
    public static readonly UserText NestedIn = new("传给表达式的值嵌套过深。", "A value is nested too deeply to pass to an expression.");
    public static readonly UserText NestedOut = new("表达式返回的值嵌套过深。", "An expression returned a value nested too deeply.");
    public static readonly UserText Unreadable = new("输入 '{0}' 不能读作{1}：{2}。", "Input '{0}' cannot be read as {1}: {2}.");

    private static readonly (Regex Pattern, string Chinese)[] ParseReasons =
    [
        (UnexpectedToken(), "意外的符号 {0}"),
        (UnexpectedIdentifier(), "意外的名称 {0}"),
        (Exact("Unexpected end of input"), "脚本意外结束（括号或引号没有闭合？）"),
        (Exact("Invalid or unexpected token"), "无效或意外的符号"),
        (Exact("Unexpected number"), "意外的数字"),
        (Exact("Unexpected string"), "意外的字符串"),
        (Exact("Unexpected template string"), "意外的模板字符串"),
        (Exact("Unexpected reserved word"), "意外的保留字"),
        (Exact("Unexpected regular expression"), "意外的正则表达式"),
        (Exact("Illegal return statement"), "此处不能用 return"),
        (Exact("Illegal break statement"), "此处不能用 break"),
        (Exact("Invalid Unicode escape sequence"), "无效的 Unicode 转义"),
    ];

    private static readonly (Regex Pattern, string Chinese)[] RuntimeReasons =
    [
        (NotDefined(), "{0} 未定义"),
        (NotAFunction(), "{0} 不是函数"),
        (ReadProperty(), "不能读取 {1} 的属性 {0}"),
        (ReadProperties(), "不能读取 {0} 的属性 {1}"),
        (Exact("Cannot convert undefined or null to object"), "不能把 undefined 或 null 转为对象"),
    ];

    /// <summary>A parse failure at its place; the parser's <paramref name="description"/> in Chinese where it is one we know.</summary>
    public static UserText Parse(int line, int column, string description) =>
        DoesNotParse.Filled(line, column, Known(ParseReasons, description) ?? UserText.Plain("语法有误", description));

    /// <summary>What a script threw: the engine's words in Chinese where we know them, an author's own message as written.</summary>
    public static UserText Thrown(string message) =>
        Threw.Filled(Known(RuntimeReasons, message) ?? UserText.Plain(message, message));

    /// <summary>A value's kind as people say it.</summary>
    public static UserText Kind(Type type) => type switch
    {
        _ when type == typeof(System.Text.Json.Nodes.JsonArray) => new("列表", "a list"),
        _ when type == typeof(System.Text.Json.Nodes.JsonObject) => new("对象", "an object"),
        _ when type == typeof(string) => new("文本", "text"),
        _ when type == typeof(bool) => new("真假值", "true or false"),
        _ when type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(decimal) => new("数字", "a number"),
        _ when type == typeof(DateTimeOffset) => new("时间", "a time"),
        _ when type == typeof(TimeSpan) => new("时长", "a duration"),
        _ => UserText.Plain(type.Name, type.Name),
    };

    private static UserText? Known((Regex Pattern, string Chinese)[] reasons, string english)
    {
        foreach (var (pattern, chinese) in reasons)
        {
            var match = pattern.Match(english);
            if (match.Success)
            {
                var groups = match.Groups.Values.Skip(1).Select(g => (object)g.Value).ToArray();
                return UserText.Plain(string.Format(System.Globalization.CultureInfo.InvariantCulture, chinese, groups), english);
            }
        }

        return null;
    }

    private static Regex Exact(string text) => new("^" + Regex.Escape(text), RegexOptions.None, TimeSpan.FromSeconds(1));

    [GeneratedRegex(@"^Unexpected token '(.*)'$")]
    private static partial Regex UnexpectedToken();

    [GeneratedRegex(@"^Unexpected identifier '(.*)'$")]
    private static partial Regex UnexpectedIdentifier();

    [GeneratedRegex(@"^(\S+) is not defined$")]
    private static partial Regex NotDefined();

    [GeneratedRegex(@"^(\S+) is not a function")]
    private static partial Regex NotAFunction();

    [GeneratedRegex(@"^Cannot read property '([^']*)' of (\S+)")]
    private static partial Regex ReadProperty();

    [GeneratedRegex(@"^Cannot read properties of (\S+) \(reading '([^']*)'\)")]
    private static partial Regex ReadProperties();
}
