using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Scrm.Workflows.Definitions;

/// <summary>
/// Where an activity input's value comes from. In JSON a bare string, number or boolean is a
/// literal; anything else names its kind: <c>{"literal": any}</c>, <c>{"js": "expression"}</c>,
/// <c>{"var": "name"}</c> or <c>{"template": "Hello ${vars.name}"}</c> (a JavaScript template literal).
/// </summary>
[JsonConverter(typeof(InputValueConverter))]
public sealed record InputValue(InputKind Kind, JsonNode? Literal = null, string? Text = null)
{
    public static InputValue Of(JsonNode? literal) => new(InputKind.Literal, literal);

    public static InputValue Js(string expression) => new(InputKind.JavaScript, Text: expression);

    public static InputValue Variable(string name) => new(InputKind.Variable, Text: name);

    public static InputValue Template(string template) => new(InputKind.Template, Text: template);
}

public enum InputKind
{
    Literal,
    JavaScript,
    Variable,
    Template,
}

internal sealed class InputValueConverter : JsonConverter<InputValue>
{
    public override InputValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var node = JsonNode.Parse(ref reader);
        if (node is not JsonObject obj)
        {
            return InputValue.Of(node);
        }

        if (obj.Count != 1)
        {
            throw new JsonException("An input object must have exactly one of: literal, js, var, template.");
        }

        var (key, value) = obj.First();
        return key switch
        {
            "literal" => InputValue.Of(value?.DeepClone()),
            "js" => InputValue.Js(Text(value, key)),
            "var" => InputValue.Variable(Text(value, key)),
            "template" => InputValue.Template(Text(value, key)),
            _ => throw new JsonException($"Unknown input kind '{key}': use literal, js, var or template."),
        };
    }

    public override void Write(Utf8JsonWriter writer, InputValue value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case InputKind.Literal when value.Literal is null:
                writer.WriteNullValue();
                break;
            case InputKind.Literal when value.Literal is JsonValue:
                value.Literal.WriteTo(writer, options);
                break;
            case InputKind.Literal:
                writer.WriteStartObject();
                writer.WritePropertyName("literal");
                value.Literal!.WriteTo(writer, options);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartObject();
                writer.WriteString(value.Kind switch
                {
                    InputKind.JavaScript => "js",
                    InputKind.Variable => "var",
                    _ => "template",
                }, value.Text);
                writer.WriteEndObject();
                break;
        }
    }

    private static string Text(JsonNode? value, string key) =>
        value is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new JsonException($"'{key}' must be a string.");
}
