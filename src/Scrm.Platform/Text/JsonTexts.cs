using System.Text.Json;

namespace Scrm.Platform.Text;

/// <summary>
/// Why JSON could not be read, in both languages. System.Text.Json explains in English only, and its
/// message can quote the input; the Chinese text gives the place (line, byte, path), the English
/// text adds the serializer's reason without the type names it appends.
/// </summary>
public static class JsonTexts
{
    private static readonly UserText At = new("第 {0} 行第 {1} 个字节处{2}格式有误或值的类型不对", "at line {0}, byte {1}{2}: {3}");
    private static readonly UserText Unplaced = new("格式有误或值的类型不对", "{0}");

    public static UserText Reason(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var reason = cut > 0 ? message[..cut] : message;
        if (exception.LineNumber is not { } line)
        {
            return Unplaced.Filled(reason);
        }

        var path = exception.Path is { Length: > 1 } p ? p : null;
        var position = (exception.BytePositionInLine ?? 0) + 1;
        return UserText.Plain(
            At.In(Languages.Chinese, line + 1, position, path is null ? "" : $"（{path}）", reason),
            At.In(Languages.English, line + 1, position, path is null ? "" : $" ({path})", reason));
    }
}
