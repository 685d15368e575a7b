using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Scrm.Workflows.Expressions;

/// <summary>Converts between the JSON values instances store and JavaScript values.</summary>
internal static class JsValues
{
    private const int MaxDepth = 64;

    public static JsValue ToJs(Engine engine, JsonNode? node, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new ExpressionException(ScriptTexts.NestedIn);
        }

        switch (node)
        {
            case null:
                return JsValue.Null;
            case JsonValue value:
                return value.GetValueKind() switch
                {
                    JsonValueKind.String => new JsString(value.GetValue<string>()),
                    JsonValueKind.Number => new JsNumber(Number(value)),
                    JsonValueKind.True => JsBoolean.True,
                    JsonValueKind.False => JsBoolean.False,
                    _ => JsValue.Null,
                };
            case JsonArray array:
                {
                    var items = new JsValue[array.Count];
                    for (var i = 0; i < items.Length; i++)
                    {
                        items[i] = ToJs(engine, array[i], depth + 1);
                    }

                    return new JsArray(engine, items);
                }

            case JsonObject obj:
                {
                    var result = new JsObject(engine);
                    foreach (var (key, child) in obj)
                    {
                        result.FastSetDataProperty(key, ToJs(engine, child, depth + 1));
                    }

                    return result;
                }

            default:
                return JsValue.Null;
        }
    }

    /// <summary>A JSON number as a double, whichever CLR type the node holds it in.</summary>
    public static double Number(JsonValue value)
    {
        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (value.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        return value.TryGetValue<JsonElement>(out var e) ? e.GetDouble() : double.NaN;
    }

    public static JsonNode? ToJson(JsValue value, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new ExpressionException(ScriptTexts.NestedOut);
        }

        switch (value.Type)
        {
            case Jint.Runtime.Types.Null:
            case Jint.Runtime.Types.Undefined:
                return null;
            case Jint.Runtime.Types.Boolean:
                return JsonValue.Create(value.AsBoolean());
            case Jint.Runtime.Types.String:
                return JsonValue.Create(value.AsString());
            case Jint.Runtime.Types.Number:
                {
                    var d = value.AsNumber();
                    if (double.IsNaN(d) || double.IsInfinity(d))
                    {
                        return null;
                    }

                    return d == Math.Floor(d) && Math.Abs(d) < 9e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);
                }

            case Jint.Runtime.Types.BigInt:
                return JsonValue.Create(value.ToString());
        }

        if (value is JsArray array)
        {
            var result = new JsonArray();
            var length = (int)Math.Min(array.Length, 100_000);
            for (var i = 0; i < length; i++)
            {
                result.Add(ToJson(array[(uint)i], depth + 1));
            }

            return result;
        }

        if (value is JsDate date)
        {
            return JsonValue.Create(date.ToDateTime().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        }

        if (value is ObjectInstance obj && !obj.IsCallable())
        {
            var result = new JsonObject();
            foreach (var key in obj.GetOwnPropertyKeys())
            {
                if (key.IsString() && obj.GetOwnProperty(key).Enumerable)
                {
                    result[key.AsString()] = ToJson(obj.Get(key), depth + 1);
                }
            }

            return result;
        }

        return null;
    }
}
