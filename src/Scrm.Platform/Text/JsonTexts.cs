using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scrm.Platform.Text;

/// <summary>
/// Why JSON could not be read, in both languages. System.Text.Json explains in English only, and its
/// message can quote the input; the Chinese text gives the place (line, byte, path), the English
/// text adds the serializer's reason without the type names it appends.
/// </summary>
public static class JsonTexts
{
    private static readonly UserText At = new("第 {0} 行第 {1} 个字节处{2}{3}", "at line {0}, byte {1}{2}: {3}");
    private static readonly UserText Unplaced = new("{0}", "{1}");
    private const string Malformed = "格式有误或值的类型不对";

    /// <summary>A request body that is not JSON; the hole takes <see cref="Reason"/>.</summary>
    public static readonly UserText NotJson = new("请求体不是有效的 JSON：{0}", "The request body is not valid JSON: {0}");

    public static UserText Reason(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var reason = cut > 0 ? message[..cut] : message;
        var depth = Regex.Match(reason, @"depth of (\d+)", RegexOptions.None, TimeSpan.FromSeconds(1));
        var chinese = depth.Success ? $"嵌套超过 {depth.Groups[1].Value} 层" : Malformed;
        if (exception.LineNumber is not { } line)
        {
            return Unplaced.Filled(chinese, reason);
        }

        var path = exception.Path is { Length: > 1 } p ? p : null;
        var position = (exception.BytePositionInLine ?? 0) + 1;
        return UserText.Plain(
            At.In(Languages.Chinese, line + 1, position, path is null ? "" : $"（{path}）", chinese),
            At.In(Languages.English, line + 1, position, path is null ? "" : $" ({path})", reason));
    }
}
