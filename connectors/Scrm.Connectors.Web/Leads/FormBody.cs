using Scrm.Platform.Http;
using Scrm.Platform.Text;

namespace Scrm.Connectors.Web.Leads;

/// <summary>
/// Reads an <c>application/x-www-form-urlencoded</c> body strictly: escapes and raw bytes (as curl
/// sends Chinese) must decode to UTF-8 text that keeps <see cref="TextRule"/>; a broken escape, an
/// undecodable byte, NUL or a control character is a field error, never a replacement character,
/// a literal escape or a 500.
/// </summary>
internal static class FormBody
{
    public const int MaxFields = 100;

    private static class Texts
    {
        public static readonly UserText Percent = new("含有后面不是两位十六进制数字的“%”", "has a '%' that is not followed by two hex digits");
        public static readonly UserText Name = new("字段名{0}", "has a name that {0}");
        public static readonly UserText TooManyFields = new("一个表单最多 {0} 个字段", "a form may carry at most {0} fields");
    }

    /// <summary>The fields in order, names repeated as often as they were sent; null when the body is not a form at all.</summary>
    public static List<(string Name, string Value)>? Parse(ReadOnlySpan<byte> body, FieldErrors errors)
    {
        var fields = new List<(string, string)>();
        var index = 0;
        while (body.Length > 0)
        {
            var end = body.IndexOf((byte)'&');
            var pair = end < 0 ? body : body[..end];
            body = end < 0 ? [] : body[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (++index > MaxFields)
            {
                errors.Add("$", Texts.TooManyFields, MaxFields);
                return null;
            }

            var equals = pair.IndexOf((byte)'=');
            var rawName = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? [] : pair[(equals + 1)..];
            var (name, nameProblem) = Decode(rawName);
            if (name is null)
            {
                errors.Add($"field {index}", Texts.Name, nameProblem);
                continue;
            }

            var (value, valueProblem) = Decode(rawValue);
            if (value is null)
            {
                errors.Add(name, valueProblem!);
                continue;
            }

            fields.Add((name, value));
        }

        return fields;
    }

    private static (string? Text, UserText? Problem) Decode(ReadOnlySpan<byte> raw)
    {
        var bytes = raw.Length <= 1024 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == (byte)'+')
            {
                b = (byte)' ';
            }
            else if (b == (byte)'%')
            {
                if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                {
                    return (null, Texts.Percent);
                }

                b = (byte)((Hex(raw[i + 1]) << 4) | Hex(raw[i + 2]));
                i += 2;
            }

            bytes[length++] = b;
        }

        return TextRule.Decode(bytes[..length]);
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
