using System.Text.Json.Nodes;

namespace Scrm.Access;

internal static class Json
{
    /// <summary>A small JSON object for an audit entry's detail.</summary>
    public static string Object(params (string Name, object? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (name, value) in fields)
        {
            o[name] = value switch
            {
                null => null,
                string s => JsonValue.Create(s),
                int i => JsonValue.Create(i),
                bool b => JsonValue.Create(b),
                IEnumerable<string> many => new JsonArray([.. many.Select(m => (JsonNode?)JsonValue.Create(m))]),
                _ => JsonValue.Create(value.ToString()),
            };
        }

        return o.ToJsonString();
    }
}
