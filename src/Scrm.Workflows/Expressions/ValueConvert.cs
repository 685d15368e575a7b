using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scrm.Workflows.Expressions;

/// <summary>Turns an input's JSON value into the activity's declared input type.</summary>
internal static class ValueConvert
{
    public static T? To<T>(JsonNode? node, string input)
    {
        try
        {
            return (T?)Convert(node, typeof(T));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or JsonException or OverflowException or InvalidCastException)
        {
            throw new ExpressionException(ScriptTexts.Unreadable.Filled(input, ScriptTexts.Kind(typeof(T)), Short(node)), ex);
        }
    }

    private static object? Convert(JsonNode? node, Type type)
    {
        if (type == typeof(JsonNode))
        {
            return node?.DeepClone();
        }

        if (node is null)
        {
            return null;
        }

        if (type == typeof(string))
        {
            return node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
        }

        if (type == typeof(bool))
        {
            return node.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String => bool.Parse(node.GetValue<string>()),
                JsonValueKind.Number => JsValues.Number(node.AsValue()) != 0,
                _ => throw new FormatException(),
            };
        }

        if (type == typeof(double))
        {
            return node.GetValueKind() == JsonValueKind.String
                ? double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)
                : JsValues.Number(node.AsValue());
        }

        if (type == typeof(int) || type == typeof(long))
        {
            var d = node.GetValueKind() == JsonValueKind.String
                ? double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)
                : JsValues.Number(node.AsValue());
            return type == typeof(int) ? checked((int)d) : checked((long)d);
        }

        if (type == typeof(TimeSpan))
        {
            return node.GetValueKind() == JsonValueKind.Number
                ? TimeSpan.FromMilliseconds(JsValues.Number(node.AsValue()))
                : TimeSpan.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture);
        }

        if (type == typeof(DateTimeOffset))
        {
            return node.GetValueKind() == JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)JsValues.Number(node.AsValue()))
                : DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }

        if (type == typeof(JsonArray))
        {
            return node as JsonArray ?? throw new FormatException();
        }

        if (type == typeof(JsonObject))
        {
            return node as JsonObject ?? throw new FormatException();
        }

        return node.Deserialize(type, JsonSerializerOptions.Web);
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 80 ? text[..80] + "…" : text;
    }
}
