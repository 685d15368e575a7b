using System.Text.Json.Nodes;
using Scrm.Workflows.Activities;

namespace Scrm.Workflows.Definitions;

/// <summary>
/// The JSON Schema of the definition format, with the registered activity types and their inputs.
/// Draft-07, the draft designers, editors and validators (NJsonSchema among them) all understand.
/// </summary>
internal static class DefinitionSchema
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
                // Draft-07 ignores keywords beside $ref, so a described input wraps its reference.
                properties[i.Name] = i.Description is null
                    ? new JsonObject { ["$ref"] = "#/definitions/input" }
                    : new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/definitions/input" }), ["description"] = i.Description };
            }

            // One branch per type, told apart by the type's name: oneOf is what every draft-07 validator implements.
            var branch = new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["type"] = new JsonObject { ["enum"] = new JsonArray(d.Type) },
                    ["inputs"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = properties,
                        ["required"] = new JsonArray(d.Inputs.Where(i => i.Required).Select(i => (JsonNode?)i.Name).ToArray()),
                        ["additionalProperties"] = false,
                    },
                },
            };
            if (d.Inputs.Any(i => i.Required))
            {
                branch["required"] = new JsonArray("inputs");
            }

            perType.Add(branch);
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
                ["inputs"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["$ref"] = "#/definitions/input" } },
                ["display"] = new JsonObject { ["type"] = "object", ["description"] = "Designer metadata (position, label); never read by the engine." },
            },
            ["oneOf"] = perType,
        };
        return new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-07/schema#",
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
                ["triggers"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/definitions/activity" } },
                ["activities"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/definitions/activity" } },
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
                    ["properties"] = new JsonObject
                    {
                        ["oneRunningPerCorrelation"] = new JsonObject { ["type"] = "boolean" },
                        ["keepNoOpRuns"] = new JsonObject { ["type"] = "boolean", ["default"] = false },
                        ["history"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["additionalProperties"] = false,
                            ["properties"] = new JsonObject
                            {
                                ["finished"] = Duration(),
                                ["cancelled"] = Duration(),
                                ["faulted"] = Duration(),
                            },
                        },
                    },
                },
            },
            ["definitions"] = new JsonObject { ["input"] = input, ["activity"] = activity },
        };
    }

    /// <summary>A TimeSpan as System.Text.Json writes it: <c>d.hh:mm:ss</c>.</summary>
    private static JsonObject Duration() => new() { ["type"] = "string", ["pattern"] = @"^(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d+)?$" };

    private static JsonObject Single(string name, JsonObject schema) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray(name),
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject { [name] = schema },
    };
}
