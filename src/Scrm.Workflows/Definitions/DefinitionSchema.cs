using System.Text.Json.Nodes;
using Scrm.Workflows.Activities;

namespace Scrm.Workflows.Definitions;

/// <summary>The JSON Schema (draft 2020-12) of the definition format, with the registered activity types and their inputs.</summary>
public static class DefinitionSchema
{
    public static JsonObject Build(ActivityRegistry registry)
    {
        var input = new JsonObject
        {
            ["description"] = "A literal (bare string, number or boolean, or {\"literal\": any}), a JavaScript expression, a variable reference or a template.",
            ["oneOf"] = new JsonArray
            {
                new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") },
                Single("literal", new JsonObject()),
                Single("js", new JsonObject { ["type"] = "string", ["maxLength"] = 16384 }),
                Single("var", new JsonObject { ["type"] = "string" }),
                Single("template", new JsonObject { ["type"] = "string", ["maxLength"] = 16384 }),
            },
        };
        var types = new JsonArray();
        var perType = new JsonArray();
        foreach (var d in registry.All)
        {
            types.Add(d.Type);
            var properties = new JsonObject();
            foreach (var i in d.Inputs)
            {
                properties[i.Name] = new JsonObject { ["$ref"] = "#/$defs/input", ["description"] = i.Description };
            }

            perType.Add(new JsonObject
            {
                ["if"] = new JsonObject { ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = d.Type } } },
                ["then"] = new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["inputs"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["properties"] = properties,
                            ["required"] = new JsonArray(d.Inputs.Where(i => i.Required).Select(i => (JsonNode?)i.Name).ToArray()),
                            ["additionalProperties"] = false,
                        },
                    },
                },
            });
        }

        var activity = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("id", "type"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$" },
                ["type"] = new JsonObject { ["enum"] = types },
                ["inputs"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["$ref"] = "#/$defs/input" } },
                ["display"] = new JsonObject { ["type"] = "object", ["description"] = "Designer metadata (position, label); never read by the engine." },
            },
            ["allOf"] = perType,
        };
        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "/api/v1/workflows/schema",
            ["title"] = "Scrm workflow definition",
            ["type"] = "object",
            ["required"] = new JsonArray("id", "name"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z0-9][a-z0-9._-]{0,99}$" },
                ["version"] = new JsonObject { ["type"] = "integer", ["description"] = "Set by the server." },
                ["name"] = new JsonObject { ["type"] = "string", ["maxLength"] = 200 },
                ["description"] = new JsonObject { ["type"] = "string" },
                ["triggers"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/activity" } },
                ["activities"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/activity" } },
                ["variables"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("name"),
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" }, ["value"] = new JsonObject() },
                    },
                },
                ["connections"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("source", "target"),
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject
                        {
                            ["source"] = new JsonObject { ["type"] = "string" },
                            ["outcome"] = new JsonObject { ["type"] = "string", ["default"] = Outcomes.Done },
                            ["target"] = new JsonObject { ["type"] = "string" },
                        },
                    },
                },
                ["options"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = new JsonObject { ["oneRunningPerCorrelation"] = new JsonObject { ["type"] = "boolean" } },
                },
            },
            ["$defs"] = new JsonObject { ["input"] = input, ["activity"] = activity },
        };
    }

    private static JsonObject Single(string name, JsonObject schema) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray(name),
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject { [name] = schema },
    };
}
