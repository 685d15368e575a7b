using System.Text;
using Microsoft.Extensions.Options;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Definitions;
using Scrm.Workflows.Expressions;

namespace Scrm.Workflows.Tests;

public sealed class ValidatorTests
{
    private static readonly ActivityRegistry Registry = new(
        new[]
        {
            typeof(StartTrigger), typeof(JournalTrigger), typeof(IfActivity), typeof(Switch), typeof(Fork), typeof(Join), typeof(ForEach),
            typeof(SetVariable), typeof(Script), typeof(EndActivity), typeof(Delay), typeof(WaitForEvent),
        }.Select(t => new ActivityRegistration(t)));

    private static readonly DefinitionValidator Validator = new(Registry, new ScriptEngine(Options.Create(new WorkflowsOptions())));

    private const string Start = """{ "id": "start", "type": "start" }""";

    public static TheoryData<string, string, string, string?> Cases => new()
    {
        { "unknown type", """[{ "id": "a", "type": "teleport" }]""", """[{ "source": "start", "target": "a" }]""", "unknown-activity-type:a" },
        { "missing required input", """[{ "id": "a", "type": "if" }]""", """[{ "source": "start", "target": "a" }]""", "missing-input:a" },
        { "dangling target", """[{ "id": "a", "type": "end" }]""", """[{ "source": "start", "target": "a" }, { "source": "a", "target": "ghost" }]""", "dangling-connection:a" },
        { "dangling source", """[{ "id": "a", "type": "end" }]""", """[{ "source": "start", "target": "a" }, { "source": "ghost", "target": "a" }]""", "dangling-connection:ghost" },
        { "unreachable activity", """[{ "id": "a", "type": "end" }, { "id": "island", "type": "end" }]""", """[{ "source": "start", "target": "a" }]""", "unreachable-activity:island" },
        { "busy loop", """[{ "id": "a", "type": "setVariable", "inputs": { "name": "x" } }, { "id": "b", "type": "setVariable", "inputs": { "name": "y" } }]""",
            """[{ "source": "start", "target": "a" }, { "source": "a", "target": "b" }, { "source": "b", "target": "a" }]""", "cycle-without-wait:a" },
        { "loop through a wait is fine", """[{ "id": "a", "type": "delay", "inputs": { "duration": "00:01:00" } }, { "id": "b", "type": "setVariable", "inputs": { "name": "y" } }]""",
            """[{ "source": "start", "target": "a" }, { "source": "a", "target": "b" }, { "source": "b", "target": "a" }]""", null },
        { "loop through forEach is fine", """[{ "id": "loop", "type": "forEach", "inputs": { "items": { "js": "[1,2]" } } }, { "id": "b", "type": "setVariable", "inputs": { "name": "y" } }]""",
            """[{ "source": "start", "target": "loop" }, { "source": "loop", "outcome": "iterate", "target": "b" }, { "source": "b", "target": "loop" }]""", null },
        { "unknown outcome", """[{ "id": "a", "type": "if", "inputs": { "condition": true } }, { "id": "b", "type": "end" }]""",
            """[{ "source": "start", "target": "a" }, { "source": "a", "outcome": "maybe", "target": "b" }]""", "unknown-outcome:a" },
        { "switch case outcome", """[{ "id": "s", "type": "switch", "inputs": { "value": "x", "cases": { "literal": ["x"] } } }, { "id": "b", "type": "end" }]""",
            """[{ "source": "start", "target": "s" }, { "source": "s", "outcome": "x", "target": "b" }, { "source": "s", "outcome": "default", "target": "b" }]""", null },
        { "script that does not parse", """[{ "id": "a", "type": "if", "inputs": { "condition": { "js": "vars.x >" } } }]""", """[{ "source": "start", "target": "a" }]""", "invalid-expression:a" },
        { "unknown input", """[{ "id": "a", "type": "end", "inputs": { "colour": "red" } }]""", """[{ "source": "start", "target": "a" }]""", "unknown-input:a" },
        { "duplicate id", """[{ "id": "a", "type": "end" }, { "id": "a", "type": "end" }]""", """[{ "source": "start", "target": "a" }]""", "duplicate-activity-id:a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validator_names_the_problem_and_the_activity(string because, string activities, string connections, string? expected)
    {
        var json = $$"""{ "id": "t", "name": "T", "triggers": [{{Start}}], "activities": {{activities}}, "connections": {{connections}} }""";
        var parse = DefinitionJson.Parse(json, 1 << 20);
        parse.Error.ShouldBeNull(because);

        var errors = Validator.Validate(parse.Definition!, 1000);

        if (expected is null)
        {
            errors.ShouldBeEmpty(because);
        }
        else
        {
            errors.Select(e => $"{e.Code}:{e.ActivityId}").ShouldContain(expected, because);
            errors.First(e => $"{e.Code}:{e.ActivityId}" == expected).Message.ShouldContain($"'{expected.Split(':')[1]}'", Case.Sensitive, because);
        }
    }

    [Fact]
    public void Ten_thousand_activities_are_refused_with_a_count()
    {
        var activities = string.Join(",", Enumerable.Range(0, 10_000).Select(i => $$"""{ "id": "a{{i}}", "type": "end" }"""));
        var parse = DefinitionJson.Parse($$"""{ "id": "big", "name": "Big", "triggers": [{{Start}}], "activities": [{{activities}}] }""", 16 << 20);

        var errors = Validator.Validate(parse.Definition!, 1000);

        errors.Single().Code.ShouldBe("too-many-activities");
        errors.Single().Message.ShouldContain("10,001");
    }

    [Fact]
    public void Ten_megabyte_definition_is_refused_before_parsing()
    {
        var filler = new string('x', 10 * 1024 * 1024);
        var parse = DefinitionJson.Parse($$"""{ "id": "huge", "name": "{{filler}}" }""", 1 << 20);

        parse.Definition.ShouldBeNull();
        parse.Error!.English.ShouldContain("at most 1,048,576");
    }

    [Fact]
    public void Deeply_nested_definition_is_refused_with_a_reason()
    {
        var nested = new StringBuilder();
        for (var i = 0; i < 5_000; i++)
        {
            nested.Append("{\"literal\":");
        }

        nested.Append('1').Append('}', 5_000);
        var parse = DefinitionJson.Parse($$"""{ "id": "deep", "name": "Deep", "activities": [{ "id": "a", "type": "setVariable", "inputs": { "name": "x", "value": {{nested}} } }] }""", 1 << 20);

        parse.Definition.ShouldBeNull();
        parse.Error!.English.ShouldContain("depth");
        parse.Error.In(Languages.Chinese).ShouldContain($"嵌套超过 {DefinitionJson.MaxDepth} 层");
    }

    [Theory]
    [InlineData("""{ "id": "t", "name": "T" }}""", "'}'")]
    [InlineData("""{ "id": "t", "name": 5 }""", "$.name")]
    [InlineData("""{ "id": "t", """, "end of data")]
    public void A_definition_that_is_not_json_is_refused_in_chinese_with_its_place_and_in_english_with_the_reason(string json, string english)
    {
        var parse = DefinitionJson.Parse(json, 1 << 20);

        parse.Definition.ShouldBeNull();
        var chinese = parse.Error!.In(Languages.Chinese);
        chinese.ShouldStartWith("工作流定义不是有效的工作流 JSON：第 1 行第 ");
        chinese.ShouldNotContain("JSON value", Case.Insensitive);
        chinese.ShouldNotContain("invalid", Case.Insensitive);
        parse.Error.In(Languages.English).ShouldContain(english);
    }

    [Theory]
    [InlineData("vars.x >", "第 1 行第 9 列无法解析：脚本意外结束", "Unexpected end of input")]
    [InlineData("vars.x ) 1", "第 1 行第 8 列无法解析：意外的符号 )", "Unexpected token ')'")]
    [InlineData("'未闭合", "无法解析：无效或意外的符号", "Invalid or unexpected token")]
    public void A_script_that_does_not_parse_is_refused_in_chinese_at_its_place_and_in_english_with_the_parsers_words(string script, string chinese, string english)
    {
        var json = $$"""{ "id": "t", "name": "T", "triggers": [{{Start}}], "activities": [{ "id": "a", "type": "if", "inputs": { "condition": { "js": {{System.Text.Json.JsonSerializer.Serialize(script)}} } } }], "connections": [{ "source": "start", "target": "a" }] }""";

        var error = Validator.Validate(DefinitionJson.Parse(json, 1 << 20).Definition!, 1000).Single(e => e.Code == "invalid-expression");

        var zh = error.In(Languages.Chinese).Message;
        zh.ShouldStartWith("活动 'a' 的输入 'condition' 表达式有误：脚本");
        zh.ShouldContain(chinese);
        zh.ShouldNotContain(english);
        error.In(Languages.English).Message.ShouldContain(english);
    }
}
